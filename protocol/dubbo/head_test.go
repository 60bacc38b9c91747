package dubbo

import (
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// User is a POJO argument, as dubbo-go services declare them.
type User struct {
	ID   string
	Name string
	Age  int32
}

func (User) JavaClassName() string { return "org.apache.dubbo.User" }

func init() { hessian.RegisterPOJO(&User{}) }

var headCases = []struct {
	name  string
	svc   hessian.Service
	args  []any
	att   map[string]string
	types string
}{
	{"no args", hessian.Service{Path: "com.example.Greeter", Method: "Ping"}, []any{}, nil, ""},
	{"ascii", hessian.Service{Path: "com.example.Greeter", Interface: "com.example.Greeter", Version: "1.0.0", Group: "g1", Method: "SayHello", Timeout: 3 * time.Second},
		[]any{"world", int32(7), int64(1) << 40}, map[string]string{"traceid": "abc", "env": "prod"}, "Ljava/lang/String;IJ"},
	{"chinese", hessian.Service{Path: "com.例子.问候服务", Version: "版本1", Method: "打招呼"},
		[]any{"世界", "你好 🙂"}, map[string]string{"用户": "张三", "tag": "红色"}, "Ljava/lang/String;Ljava/lang/String;"},
	{"long strings", hessian.Service{Path: "com.example." + strings.Repeat("Long", 300), Version: strings.Repeat("v", 1500), Method: strings.Repeat("m", 2000)},
		[]any{strings.Repeat("arg", 3000)}, map[string]string{"big": strings.Repeat("字", 5000)}, "Ljava/lang/String;"},
	{"many types", hessian.Service{Path: "p", Method: "m"},
		[]any{true, 1.5, []byte{1, 2, 3}, []string{"a", "b"}, map[any]any{"k": int32(1)}, &User{ID: "u1", Name: "名", Age: 30}, &User{ID: "u2"}, nil, int64(-5)},
		map[string]string{"a": "1"}, "ZD[B[Ljava/lang/String;Ljava/util/Map;Lorg/apache/dubbo/User;Lorg/apache/dubbo/User;VJ"},
	{"list of objects", hessian.Service{Path: "p", Method: "m"},
		[]any{[]any{int32(1), "two", []any{3.0}}, time.UnixMilli(1700000000000)}, map[string]string{"x": "y"}, "Ljava/util/List;Ljava/util/Date;"},
}

func TestRequestFromLibrary(t *testing.T) {
	for _, tt := range headCases {
		t.Run(tt.name, func(t *testing.T) {
			frame := libRequest(t, 1, true, tt.svc, tt.args, maps.Clone(tt.att))
			_, body := mustFrame(t, frame)
			var h RequestHead
			if err := ParseRequestHead(body, &h); err != nil {
				t.Fatal(err)
			}
			if string(h.DubboVersion) != "2.0.2" || string(h.Path) != tt.svc.Path || string(h.Version) != tt.svc.Version || string(h.Method) != tt.svc.Method || string(h.ParamTypes) != tt.types {
				t.Fatalf("head %q %q %q %q %q", h.DubboVersion, h.Path, h.Version, h.Method, h.ParamTypes)
			}
			if n, err := h.ParamCount(); err != nil || n != len(tt.args) {
				t.Fatalf("ParamCount %d, %v", n, err)
			}
			checkArguments(t, frame, body, &h)
			att, err := DecodeAttachments(body, &h)
			if err != nil {
				t.Fatal(err)
			}
			want := libAttachments(t, frame)
			delete(want, "dubbo") // the library adds the dubbo version
			if !maps.Equal(att, want) {
				t.Fatalf("attachments %v, library %v", att, want)
			}
			if att["path"] != tt.svc.Path || att["group"] != tt.svc.Group {
				t.Fatalf("attachments %q", att)
			}
			for k, v := range tt.att {
				if att[k] != v {
					t.Fatalf("attachment %q = %q, want %q", k, att[k], v)
				}
			}
		})
	}
}

// checkArguments compares DecodeArguments with the library's decoding of the same frame.
func checkArguments(t *testing.T, frame, body []byte, h *RequestHead) {
	t.Helper()
	args, err := DecodeArguments(body, h)
	if err != nil {
		t.Fatal(err)
	}
	req := make([]any, 7)
	libRead(t, frame, req)
	want, _ := req[5].([]any)
	if len(args) != len(want) || len(want) > 0 && !reflect.DeepEqual(args, want) {
		t.Fatalf("arguments %#v, library %#v", args, want)
	}
}

func TestParseRequestHeadNulls(t *testing.T) {
	// dubbo version null, path, version null, method, types null: no arguments.
	body := []byte{'N', 0x01, 'p', 'N', 0x01, 'm', 'N', 'H', 'Z'}
	var h RequestHead
	if err := ParseRequestHead(body, &h); err != nil {
		t.Fatal(err)
	}
	if h.DubboVersion != nil || string(h.Path) != "p" || h.Version != nil || string(h.Method) != "m" || h.ArgsOffset != 7 {
		t.Fatalf("%+v", h)
	}
	if att, err := DecodeAttachments(body, &h); err != nil || len(att) != 0 {
		t.Fatalf("attachments %v, %v", att, err)
	}
}

func TestParseRequestHeadErrors(t *testing.T) {
	tests := []struct {
		name string
		body []byte
	}{
		{"empty", nil},
		{"null path", []byte{0x05, '2', '.', '0', '.', '2', 'N', 'N', 0x01, 'm', 'N'}},
		{"null method", []byte{'N', 0x01, 'p', 'N', 'N', 'N'}},
		{"int path", []byte{'N', 0x91, 'N', 0x01, 'm', 'N'}},
		{"truncated method", []byte{'N', 0x01, 'p', 'N', 0x05, 'm'}},
		{"missing types", []byte{'N', 0x01, 'p', 'N', 0x01, 'm'}},
		{"chunked path", append([]byte{'N', 'R', 0, 1, 'p', 0x01, 'q'}, 'N', 0x01, 'm', 'N')},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h RequestHead
			err := ParseRequestHead(tt.body, &h)
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Reason != ReasonBadBody {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestParamCount(t *testing.T) {
	tests := []struct {
		types string
		n     int
		ok    bool
	}{
		{"", 0, true},
		{"I", 1, true},
		{"Ljava/lang/String;I[J", 3, true},
		{"Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/Object;", 3, true},
		{"[[[Lcom/a/B;ZBCSIJFDV", 10, true},
		{"Ljava/lang/String", 0, false},
		{"L;", 0, false},
		{"[", 0, false},
		{"java.lang.String", 0, false},
		{"Ljava.lang.String;", 0, false},
		{"X", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.types, func(t *testing.T) {
			h := RequestHead{ParamTypes: []byte(tt.types)}
			n, err := h.ParamCount()
			if (err == nil) != tt.ok || n != tt.n {
				t.Fatalf("%d, %v", n, err)
			}
		})
	}
}

func TestAttachmentsSkipNonStrings(t *testing.T) {
	inv := &Invocation{Path: "p", Method: "m", Args: []any{"a"}, Attachments: map[string]any{
		"s": "v", "n": int64(3), "m": map[string]any{"x": "y"}, "l": []any{"q"}, "e": "",
	}}
	frame, err := AppendRequest(nil, 1, true, inv)
	if err != nil {
		t.Fatal(err)
	}
	_, body := mustFrame(t, frame)
	var h RequestHead
	if err := ParseRequestHead(body, &h); err != nil {
		t.Fatal(err)
	}
	att, err := DecodeAttachments(body, &h)
	want := map[string]string{"s": "v", "e": "", "path": "p", "interface": "p", "version": ""}
	if err != nil || !maps.Equal(att, want) {
		t.Fatalf("%v, %v", att, err)
	}
	if len(inv.Attachments) != 5 {
		t.Fatal("AppendRequest changed the caller's attachments")
	}
}

func TestDecodeErrorsAreFrameErrors(t *testing.T) {
	frame := libRequest(t, 1, true, hessian.Service{Path: "p", Method: "m"}, []any{"a", int32(1)}, map[string]string{"k": "v"})
	_, body := mustFrame(t, frame)
	var h RequestHead
	if err := ParseRequestHead(body, &h); err != nil {
		t.Fatal(err)
	}
	for cut := h.ArgsOffset; cut < len(body); cut++ {
		_, err := DecodeAttachments(body[:cut], &h)
		var fe *FrameError
		if !errors.As(err, &fe) || fe.Reason != ReasonBadBody {
			t.Fatalf("cut %d: attachments err = %v", cut, err)
		}
	}
	if _, err := DecodeArguments(body[:h.ArgsOffset+2], &h); err == nil {
		t.Fatal("truncated arguments decoded")
	}
}
