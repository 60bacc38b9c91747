package dubbocall

import (
	"strings"
	"testing"

	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// The request is the call the proxies route: a two-way hessian2 request
// for Interface, Version and Method whose one argument has the size asked.
func TestRequest(t *testing.T) {
	for _, size := range []int{1, 64, MaxSize} {
		frame, err := Request(7, size)
		if err != nil {
			t.Fatal(err)
		}
		got, h, err := dubbo.NextFrame(frame, MaxFrame)
		if err != nil || len(got) != len(frame) || h.ID != 7 || !h.IsRequest() || !h.IsTwoWay() || h.IsEvent() {
			t.Fatalf("size %d: frame %d of %d bytes, header %+v, err %v", size, len(got), len(frame), h, err)
		}
		body := frame[dubbo.HeaderSize:]
		var head dubbo.RequestHead
		if err := dubbo.ParseRequestHead(body, &head); err != nil {
			t.Fatal(err)
		}
		if string(head.Path) != Interface || string(head.Version) != Version || string(head.Method) != Method || string(head.ParamTypes) != ParamTypes {
			t.Errorf("head: path %q, version %q, method %q, types %q", head.Path, head.Version, head.Method, head.ParamTypes)
		}
		args, err := dubbo.DecodeArguments(body, &head)
		if err != nil || len(args) != 1 {
			t.Fatalf("arguments %v, %v", args, err)
		}
		if s, ok := args[0].(string); !ok || len(s) != size || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("size %d: argument %T of length %d", size, args[0], len(s))
		}
	}
	for _, size := range []int{0, MaxSize + 1} {
		if _, err := Request(1, size); err == nil {
			t.Errorf("size %d accepted", size)
		}
	}
}

func TestResponse(t *testing.T) {
	frame, err := Response(1 << 40)
	if err != nil {
		t.Fatal(err)
	}
	status, value, msg, err := dubbo.DecodeResponse(frame)
	if err != nil || status != dubbo.StatusOK || value != Reply {
		t.Errorf("response: status %d, value %v, msg %q, err %v", status, value, msg, err)
	}
	dubbo.PutID(frame, 9)
	if h, err := dubbo.ParseHeader(frame, MaxFrame); err != nil || h.ID != 9 || h.IsRequest() {
		t.Errorf("after PutID: %+v, %v", h, err)
	}
}
