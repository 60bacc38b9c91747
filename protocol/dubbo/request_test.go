package dubbo

import (
	"reflect"
	"testing"
)

func TestRequestToLibrary(t *testing.T) {
	for _, tt := range headCases {
		for _, twoWay := range []bool{true, false} {
			t.Run(tt.name, func(t *testing.T) {
				att := map[string]any{"group": tt.svc.Group}
				for k, v := range tt.att {
					att[k] = v
				}
				inv := &Invocation{Path: tt.svc.Path, Version: tt.svc.Version, Method: tt.svc.Method, Args: tt.args, Attachments: att}
				f, err := AppendRequest(nil, 12, twoWay, inv)
				if err != nil {
					t.Fatal(err)
				}
				h, _ := mustFrame(t, f)
				if h.IsTwoWay() != twoWay || !h.IsRequest() || h.IsEvent() {
					t.Fatalf("flag %#02x", h.Flag)
				}
				req := make([]any, 7)
				libRead(t, f, req)
				got := req[6].(map[string]string)
				if req[0] != DefaultDubboVersion || req[1] != inv.Path || req[2] != inv.Version || req[3] != inv.Method || req[4] != tt.types {
					t.Fatalf("library reads head %q", req[:5])
				}
				if args, _ := req[5].([]any); len(args) != len(tt.args) || len(args) > 0 && !reflect.DeepEqual(args, tt.args) {
					t.Fatalf("library reads arguments %#v", args)
				}
				if got["path"] != inv.Path || got["interface"] != inv.Path || got["version"] != inv.Version || got["group"] != tt.svc.Group {
					t.Fatalf("library reads attachments %q", got)
				}
			})
		}
	}
}

func TestParamTypes(t *testing.T) {
	tests := []struct {
		args []any
		want string
	}{
		{nil, ""},
		{[]any{"a", int32(1), int64(2), 3, true, 1.5, float32(1), int16(1), int8(1), uint16(1)}, "Ljava/lang/String;IJJZDFSBC"},
		{[]any{[]byte{1}, []string{"a"}, []int32{1}, []int64{1}, map[string]int{}, []any{}, &User{}, nil}, "[B[Ljava/lang/String;[I[JLjava/util/Map;Ljava/util/List;Lorg/apache/dubbo/User;V"},
	}
	for _, tt := range tests {
		got, err := ParamTypes(tt.args)
		if err != nil || got != tt.want {
			t.Errorf("ParamTypes(%v) = %q, %v; want %q", tt.args, got, err, tt.want)
		}
		h := RequestHead{ParamTypes: []byte(got)}
		if n, err := h.ParamCount(); err != nil || n != len(tt.args) {
			t.Errorf("ParamCount(%q) = %d, %v", got, n, err)
		}
	}
	if _, err := ParamTypes([]any{make(chan int)}); err == nil {
		t.Error("channel described")
	}
}
