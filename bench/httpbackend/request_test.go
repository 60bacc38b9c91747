package httpbackend

import (
	"errors"
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantOK   bool
		wantErr  bool
		target   string
		get      bool
		wantSize int
	}{
		{"get", "GET /16 HTTP/1.1\r\nHost: a\r\n\r\n", true, false, "/16", true, 29},
		{"query is dropped", "GET /1024?x=1 HTTP/1.1\r\n\r\n", true, false, "/1024", true, 26},
		{"no headers", "GET / HTTP/1.0\r\n\r\n", true, false, "/", true, 18},
		{"pipelined: first only", "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", true, false, "/a", true, 19},
		{"body is skipped", "POST /x HTTP/1.1\r\ncontent-length: 3\r\n\r\nabcGET", true, false, "/x", false, 42},
		{"incomplete head", "GET /16 HTTP/1.1\r\nHost: a\r\n", false, false, "", false, 0},
		{"incomplete body", "POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\nab", false, false, "", false, 0},
		{"bad request line", "GET /16\r\n\r\n", false, true, "", false, 0},
		{"bad version", "GET /16 HTTP/2.0x\r\n\r\n", false, true, "", false, 0},
		{"header without colon", "GET / HTTP/1.1\r\nnope\r\n\r\n", false, true, "", false, 0},
		{"bad content-length", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", false, true, "", false, 0},
		{"body too large", "GET / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", false, true, "", false, 0},
		{"chunked request", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", false, true, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, ok, err := parseRequest([]byte(tt.in))
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrRequest)) {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if ok && (string(req.target) != tt.target || req.get != tt.get || req.size != tt.wantSize) {
				t.Errorf("req = {%q %v %d}, want {%q %v %d}", req.target, req.get, req.size, tt.target, tt.get, tt.wantSize)
			}
		})
	}
}

func TestParseRequestDoesNotAllocate(t *testing.T) {
	b := []byte("GET /1024 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\nX-Forwarded-Proto: http\r\n\r\n")
	allocs := testing.AllocsPerRun(200, func() {
		if _, ok, err := parseRequest(b); !ok || err != nil {
			panic("parse failed")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per request", allocs)
	}
}

// FuzzParseRequest checks that the parser never panics and that a
// request it accepts lies within its input.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET /16 HTTP/1.1\r\nHost: a\r\n\r\n"))
	f.Add([]byte("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, ok, err := parseRequest(b)
		if ok && (err != nil || req.size > len(b) || req.size <= 0 || len(req.target) == 0) {
			t.Fatalf("ok with size %d of %d, target %q, err %v", req.size, len(b), req.target, err)
		}
	})
}
