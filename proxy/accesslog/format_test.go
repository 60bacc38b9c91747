package accesslog

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

type entry struct{ req, resp map[string][]byte }

func (e entry) StartTime() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC) }
func (e entry) RequestHeader(n string) ([]byte, bool) {
	v, ok := e.req[n]
	return v, ok
}
func (e entry) ResponseHeader(n string) ([]byte, bool) {
	v, ok := e.resp[n]
	return v, ok
}
func (entry) Protocol() string                   { return "HTTP/1.1" }
func (entry) ResponseCode() int                  { return 503 }
func (entry) ResponseFlags() string              { return "UF" }
func (entry) ResponseCodeDetails() string        { return "" }
func (entry) BytesReceived() int64               { return 7 }
func (entry) BytesSent() int64                   { return 91 }
func (entry) Duration() time.Duration            { return 1500 * time.Microsecond }
func (entry) AppendUpstreamHost(b []byte) []byte { return b }
func (entry) UpstreamCluster() string            { return "web" }
func (entry) AppendDownstreamRemote(b []byte) []byte {
	return netip.MustParseAddrPort("[::1]:5000").AppendTo(b)
}
func (entry) AppendDownstreamLocal(b []byte) []byte {
	return netip.MustParseAddrPort("10.0.0.1:80").AppendTo(b)
}
func (entry) RouteName() string { return "" }

func TestFormats(t *testing.T) {
	e := entry{req: map[string][]byte{":method": []byte("GET"), ":path": []byte("/a"), "user-agent": []byte("curl"), ":authority": []byte("h")}}
	for name, tc := range map[string]struct{ format, want string }{
		"default":            {DefaultFormat, `[2026-01-02T03:04:05.006Z] "GET /a HTTP/1.1" 503 UF 7 91 1 - "-" "curl" "-" "h" "-"` + "\n"},
		"alternative header": {"%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%", "/a"},
		"truncate":           {"%REQ(USER-AGENT):2%", "cu"},
		"percent literal":    {"100%% %RESPONSE_CODE%", "100% 503"},
		"addresses":          {"%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %DOWNSTREAM_LOCAL_ADDRESS%", "[::1]:5000 ::1 10.0.0.1:80"},
		"empty values":       {"%ROUTE_NAME% %RESPONSE_CODE_DETAILS% %UPSTREAM_HOST% %UPSTREAM_CLUSTER%", "- - - web"},
	} {
		t.Run(name, func(t *testing.T) {
			f, err := Compile(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(f.Append(nil, e)); got != tc.want {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"%NOPE%", "%REQ(X", "%REQ(X):abc%"} {
		if _, err := Compile(bad); err == nil || !strings.HasPrefix(err.Error(), "accesslog: ") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	f, _ := Compile(DefaultFormat)
	var e Entry = entry{req: map[string][]byte{":method": []byte("GET")}}
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { buf = f.Append(buf[:0], e) }); n != 0 {
		t.Errorf("%v allocations per line", n)
	}
}

func FuzzCompile(f *testing.F) {
	f.Add(DefaultFormat)
	f.Add("%REQ(A?B):3% %%")
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := Compile(s)
		if err != nil {
			return
		}
		_ = fm.Append(nil, entry{})
	})
}
