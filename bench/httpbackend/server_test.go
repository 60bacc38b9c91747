//go:build linux

package httpbackend

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// start serves sizes on a loopback port and returns the address.
func start(t *testing.T, sizes ...int) string {
	t.Helper()
	s, err := New(sizes)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return c, bufio.NewReader(c)
}

func readResponse(t *testing.T, r *bufio.Reader) (int, string) {
	t.Helper()
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != int64(len(body)) || resp.Close {
		t.Errorf("Content-Length %d for %d bytes, close %v", resp.ContentLength, len(body), resp.Close)
	}
	return resp.StatusCode, string(body)
}

func TestServerAnswersOnKeepAlive(t *testing.T) {
	addr := start(t, 16, 1024, 0)
	c, r := dial(t, addr)
	tests := []struct {
		name    string
		send    []string // written one after the other
		status  []int
		lengths []int
	}{
		{"small", []string{"GET /16 HTTP/1.1\r\nHost: x\r\n\r\n"}, []int{200}, []int{16}},
		{"1 KiB", []string{"GET /1024 HTTP/1.1\r\nHost: x\r\n\r\n"}, []int{200}, []int{1024}},
		{"empty body", []string{"GET /0 HTTP/1.1\r\n\r\n"}, []int{200}, []int{0}},
		{"unknown path", []string{"GET /17 HTTP/1.1\r\n\r\n"}, []int{404}, []int{0}},
		{"other method", []string{"DELETE /16 HTTP/1.1\r\n\r\n"}, []int{405}, []int{0}},
		{"split across writes", []string{"GET /1", "6 HTTP/1.1\r\nHo", "st: x\r\n\r\n"}, []int{200}, []int{16}},
		{"pipelined", []string{"GET /16 HTTP/1.1\r\n\r\nGET /1024 HTTP/1.1\r\n\r\nGET /16 HTTP/1.1\r\n\r\n"}, []int{200, 200, 200}, []int{16, 1024, 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.send {
				if _, err := c.Write([]byte(s)); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Millisecond) // let each piece arrive on its own
			}
			for i := range tt.status {
				status, body := readResponse(t, r)
				if status != tt.status[i] || len(body) != tt.lengths[i] {
					t.Errorf("response %d: %d with %d bytes, want %d with %d", i, status, len(body), tt.status[i], tt.lengths[i])
				}
				if status == 200 && body != strings.Repeat("abcdefghijklmnopqrstuvwxyz", 40)[:len(body)] {
					t.Errorf("body %q", body)
				}
			}
		})
	}
}

func TestServerClosesOnBadRequest(t *testing.T) {
	addr := start(t, 16)
	for name, req := range map[string]string{
		"bad request line": "NONSENSE\r\n\r\n",
		"head too large":   "GET /16 HTTP/1.1\r\nX: " + strings.Repeat("a", bufSize) + "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := dial(t, addr)
			c.Write([]byte(req))
			if _, err := io.ReadAll(c); err != nil && !strings.Contains(err.Error(), "reset") {
				t.Fatalf("read: %v, want EOF or reset", err)
			}
		})
	}
}

// A response the client does not read waits in the server until it is
// read; the server keeps serving other connections meanwhile.
func TestServerSlowReader(t *testing.T) {
	addr := start(t, 1024)
	slow, slowR := dial(t, addr)
	const n = 2000 // ~2 MB of responses, beyond the socket buffers
	go func() {
		req := []byte(strings.Repeat("GET /1024 HTTP/1.1\r\n\r\n", n))
		slow.Write(req)
	}()
	other, otherR := dial(t, addr)
	other.Write([]byte("GET /1024 HTTP/1.1\r\n\r\n"))
	if status, _ := readResponse(t, otherR); status != 200 {
		t.Fatalf("other connection got %d", status)
	}
	for i := range n {
		if status, body := readResponse(t, slowR); status != 200 || len(body) != 1024 {
			t.Fatalf("response %d: %d, %d bytes", i, status, len(body))
		}
	}
}

func TestServerCloseEndsConnections(t *testing.T) {
	s, err := New([]int{16})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	c, r := dial(t, ln.Addr().String())
	c.Write([]byte("GET /16 HTTP/1.1\r\n\r\n"))
	readResponse(t, r)
	s.Close()
	if err := <-done; err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
	if _, err := r.ReadByte(); err == nil {
		t.Error("connection still open after Close")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("listener still open after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNewRejectsSizes(t *testing.T) {
	for name, sizes := range map[string][]int{"none": nil, "negative": {-1}, "too large": {maxSize + 1}} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(sizes); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}
