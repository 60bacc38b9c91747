package dubbo

import (
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	hessian "github.com/apache/dubbo-go-hessian2"
)

var responseValues = []struct {
	name  string
	value any
}{
	{"string", "hello 世界"},
	{"int", int32(42)},
	{"long", int64(1) << 50},
	{"null", nil},
	{"list", []any{"a", int32(1)}},
	{"map", map[any]any{"k": "v"}},
	{"pojo", &User{ID: "1", Name: "n", Age: 3}},
	{"long string", strings.Repeat("长", 9000)},
}

func TestResponseToLibrary(t *testing.T) {
	for _, tt := range responseValues {
		for _, att := range []map[string]any{nil, {"k": "v"}} {
			t.Run(tt.name, func(t *testing.T) {
				f, err := AppendResponse(nil, 8, tt.value, att)
				if err != nil {
					t.Fatal(err)
				}
				resp := &hessian.Response{}
				if lh := libRead(t, f, resp); lh.ID != 8 || lh.ResponseStatus != StatusOK {
					t.Fatalf("library reads %+v", lh)
				}
				if !reflect.DeepEqual(resp.RspObj, tt.value) || att != nil && resp.Attachments["k"] != "v" {
					t.Fatalf("library reads %#v %v", resp.RspObj, resp.Attachments)
				}
				status, v, errMsg, err := DecodeResponse(f)
				if err != nil || status != StatusOK || errMsg != "" || !reflect.DeepEqual(v, tt.value) {
					t.Fatalf("DecodeResponse: %d %#v %q %v", status, v, errMsg, err)
				}
			})
		}
	}
}

func TestResponseFromLibrary(t *testing.T) {
	for _, tt := range responseValues {
		for _, version := range []string{"", "2.0.2"} {
			t.Run(tt.name+"/"+version, func(t *testing.T) {
				att := map[string]string{}
				if version != "" {
					att["dubbo"] = version
				}
				f := libResponse(t, 9, StatusOK, hessian.NewResponse(tt.value, nil, att))
				status, v, errMsg, err := DecodeResponse(f)
				if err != nil || status != StatusOK || errMsg != "" || !reflect.DeepEqual(v, tt.value) {
					t.Fatalf("DecodeResponse: %d %#v %q %v", status, v, errMsg, err)
				}
			})
		}
	}
}

func TestResponseException(t *testing.T) {
	for _, att := range []map[string]string{nil, {"dubbo": "2.0.2"}} {
		f := libResponse(t, 9, StatusOK, hessian.NewResponse(nil, errors.New("it broke"), maps.Clone(att)))
		body := f[HeaderSize:]
		if kind := decodeInt(body[:1]); att != nil && kind != ResponseWithExceptionWithAttachments || att == nil && kind != ResponseWithException {
			t.Fatalf("kind %d", kind)
		}
		status, v, errMsg, err := DecodeResponse(f)
		if err != nil || status != StatusOK || v != nil || !strings.Contains(errMsg, "it broke") {
			t.Fatalf("DecodeResponse: %d %#v %q %v", status, v, errMsg, err)
		}
	}
}

func TestDecodeResponseErrors(t *testing.T) {
	ok, _ := AppendResponse(nil, 1, "v", nil)
	tests := []struct {
		name string
		in   []byte
	}{
		{"short", ok[:10]},
		{"truncated", ok[:len(ok)-1]},
		{"trailing", append(append([]byte(nil), ok...), 0)},
		{"request", AppendHeartbeatRequest(nil, 1)},
		{"bad kind", appendTestFrame(0x02, StatusOK, []byte{0x99, 'N'})},
		{"kind not int", appendTestFrame(0x02, StatusOK, []byte{'N'})},
		{"missing value", appendTestFrame(0x02, StatusOK, []byte{0x91})},
		{"error body not string", appendTestFrame(0x02, StatusBadRequest, []byte{0x91})},
		{"undefined object", appendTestFrame(0x02, StatusOK, []byte{0x91, 0x60})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, _, err := DecodeResponse(tt.in); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func appendTestFrame(flag, status byte, body []byte) []byte {
	return append(appendHeader(nil, flag, status, 1, len(body)), body...)
}

func TestUnknownJavaException(t *testing.T) {
	body := []byte{0x90, 'C'}
	body = appendHessianString(body, "com.example.QuotaExceededException")
	body = append(body, 0x92)
	body = appendHessianString(body, "detailMessage")
	body = appendHessianString(body, "cause")
	body = append(body, 0x60)
	body = appendHessianString(body, "quota exceeded")
	body = append(body, 'N')
	status, v, errMsg, err := DecodeResponse(appendTestFrame(0x02, StatusOK, body))
	if err != nil || status != StatusOK || v != nil || !strings.Contains(errMsg, "quota exceeded") {
		t.Fatalf("DecodeResponse: %d %#v %q %v", status, v, errMsg, err)
	}
	t.Logf("message %q", errMsg)
}

func TestCyclicException(t *testing.T) {
	// kind 0, then a list holding a reference to itself.
	body := []byte{0x90, 0x79, 0x51, 0x90}
	status, _, errMsg, err := DecodeResponse(appendTestFrame(0x02, StatusOK, body))
	if err != nil || status != StatusOK || errMsg == "" {
		t.Fatalf("DecodeResponse: %d %q %v", status, errMsg, err)
	}
}
