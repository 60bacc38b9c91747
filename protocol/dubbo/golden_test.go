package dubbo

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden frames in testdata")

// goldenFrames are the frames kept in testdata: what this package writes, byte for byte.
func goldenFrames(t testing.TB) map[string][]byte {
	t.Helper()
	inv := &Invocation{
		Path: "org.apache.dubbo.samples.UserProvider", Version: "1.0.0", Method: "GetUser",
		Args:        []any{"A001", int32(18), "张三"},
		Attachments: map[string]any{"group": "g1", "timeout": "3000", "traceid": "7f3a"},
	}
	twoWay, err := AppendRequest(nil, 1, true, inv)
	if err != nil {
		t.Fatal(err)
	}
	oneWay, err := AppendRequest(nil, 2, false, &Invocation{Path: "org.apache.dubbo.samples.Notifier", Method: "Notify", Args: []any{int64(7)}})
	if err != nil {
		t.Fatal(err)
	}
	ok, err := AppendResponse(nil, 1, &User{ID: "A001", Name: "张三", Age: 18}, map[string]any{"traceid": "7f3a"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"request_twoway.bin": twoWay,
		"request_oneway.bin": oneWay,
		"response_ok.bin":    ok,
		"response_error.bin": AppendErrorResponse(nil, 3, StatusServiceNotFound, "service org.apache.dubbo.samples.Missing not found"),
		"heartbeat_req.bin":  AppendHeartbeatRequest(nil, 4),
		"heartbeat_resp.bin": AppendHeartbeatResponse(nil, 4),
		"readonly.bin":       AppendReadonlyEvent(nil, 5),
	}
}

func TestGoldenFrames(t *testing.T) {
	for name, frame := range goldenFrames(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(path, frame, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(frame, want) {
				t.Fatalf("frame differs from %s (run go test -update if the change is intended)\ngot  % x\nwant % x", path, frame, want)
			}
			checkGolden(t, want)
		})
	}
}

// checkGolden decodes a golden frame with this package and the library.
func checkGolden(t *testing.T, frame []byte) {
	h, body := mustFrame(t, frame)
	switch {
	case h.IsEvent():
		if !IsHeartbeat(h, body) && !IsReadonly(h, body) {
			t.Fatal("unknown event")
		}
		libRead(t, frame, nil)
	case h.IsRequest():
		var rh RequestHead
		if err := ParseRequestHead(body, &rh); err != nil {
			t.Fatal(err)
		}
		att, err := DecodeAttachments(body, &rh)
		if err != nil || att["path"] != string(rh.Path) {
			t.Fatalf("attachments %v, %v", att, err)
		}
		libRead(t, frame, make([]any, 7))
	default:
		if _, _, _, err := DecodeResponse(frame); err != nil {
			t.Fatal(err)
		}
	}
}

// goldenSeeds returns the golden frames from testdata, for fuzz seeds.
func goldenSeeds(f *testing.F) [][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.bin"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no golden frames: %v", err)
	}
	var seeds [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}
