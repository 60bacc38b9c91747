package dubbo

import (
	"bytes"
	"strings"
	"testing"

	hessian "github.com/apache/dubbo-go-hessian2"
)

func TestHeartbeatMatchesLibrary(t *testing.T) {
	codec := hessian.NewHessianCodec(nil)
	req, err := codec.Write(hessian.Service{}, hessian.DubboHeader{SerialID: 2, Type: hessian.PackageHeartbeat, ID: 77}, []any{})
	if err != nil {
		t.Fatal(err)
	}
	if ours := AppendHeartbeatRequest(nil, 77); !bytes.Equal(ours, req) {
		t.Fatalf("heartbeat request\nours    % x\nlibrary % x", ours, req)
	}
	lh := libRead(t, AppendHeartbeatRequest(nil, 77), nil)
	if lh.Type != hessian.PackageRequest|hessian.PackageRequest_TwoWay|hessian.PackageHeartbeat || lh.ID != 77 {
		t.Fatalf("library reads %+v", lh)
	}
	resp := AppendHeartbeatResponse(nil, 77)
	lh = libRead(t, resp, nil)
	if lh.Type != hessian.PackageResponse|hessian.PackageHeartbeat || lh.ResponseStatus != StatusOK || lh.ID != 77 {
		t.Fatalf("library reads %+v", lh)
	}
	for _, f := range [][]byte{req, resp} {
		h, body := mustFrame(t, f)
		if !IsHeartbeat(h, body) || IsReadonly(h, body) {
			t.Fatalf("% x: not a heartbeat", f)
		}
	}
}

func TestReadonlyEvent(t *testing.T) {
	f := AppendReadonlyEvent(nil, 5)
	h, body := mustFrame(t, f)
	if h.Flag != 0xa2 || !IsReadonly(h, body) || IsHeartbeat(h, body) || h.IsTwoWay() {
		t.Fatalf("% x", f)
	}
	if v, err := hessian.NewDecoder(body).Decode(); err != nil || v != "R" {
		t.Fatalf("library reads %v, %v", v, err)
	}
	if lh := libRead(t, f, nil); lh.Type != hessian.PackageRequest|hessian.PackageHeartbeat {
		t.Fatalf("library reads %+v", lh)
	}
	if IsReadonly(Header{Flag: 0xc2}, body) || IsReadonly(h, []byte{0x01, 'R', 'N'}) || IsHeartbeat(Header{Flag: 0xc2}, []byte{'N'}) {
		t.Fatal("non-event or trailing bytes accepted")
	}
}

func TestErrorResponse(t *testing.T) {
	for _, msg := range []string{"", "service not found", "未找到服务 🙂", strings.Repeat("e", 5000), strings.Repeat("é", 40000)} {
		f := AppendErrorResponse(nil, 3, StatusServiceNotFound, msg)
		resp := &hessian.Response{}
		lh := libRead(t, f, resp)
		if lh.ResponseStatus != StatusServiceNotFound || resp.Exception == nil || resp.Exception.Error() != "java exception:"+msg {
			t.Fatalf("library reads %+v, %v", lh, resp.Exception)
		}
		status, v, errMsg, err := DecodeResponse(f)
		if err != nil || status != StatusServiceNotFound || v != nil || errMsg != msg {
			t.Fatalf("DecodeResponse: %d %v %q %v", status, v, errMsg, err)
		}
	}
	lib := libResponse(t, 4, StatusServerError, hessian.NewResponse(nil, errString("boom"), nil))
	if status, _, errMsg, err := DecodeResponse(lib); err != nil || status != StatusServerError || errMsg != "boom" {
		t.Fatalf("library error response: %d %q %v", status, errMsg, err)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
