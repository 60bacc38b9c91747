//go:build linux

package dubbobackend

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/bench/dubbocall"
	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// start serves on a loopback port and returns the address.
func start(t *testing.T) string {
	t.Helper()
	s, err := New()
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

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return c
}

// readFrame reads one whole frame.
func readFrame(t *testing.T, c net.Conn) (dubbo.Header, []byte) {
	t.Helper()
	head := make([]byte, dubbo.HeaderSize)
	if _, err := io.ReadFull(c, head); err != nil {
		t.Fatal(err)
	}
	h, err := dubbo.ParseHeader(head, dubbocall.MaxFrame)
	if err != nil {
		t.Fatal(err)
	}
	frame := append(head, make([]byte, h.BodyLen)...)
	if _, err := io.ReadFull(c, frame[dubbo.HeaderSize:]); err != nil {
		t.Fatal(err)
	}
	return h, frame
}

func request(t *testing.T, id uint64) []byte {
	t.Helper()
	frame, err := dubbocall.Request(id, 64)
	if err != nil {
		t.Fatal(err)
	}
	return frame
}

// Several requests in one write, a heartbeat and a one-way request: each
// two-way request gets the OK response with its ID, in order, the
// heartbeat its heartbeat response, the one-way request nothing.
func TestServeAnswersByID(t *testing.T) {
	c := dial(t, start(t))
	oneWay := request(t, 99)
	oneWay[2] &^= dubbo.FlagTwoWay
	var batch []byte
	batch = append(batch, request(t, 7)...)
	batch = append(batch, oneWay...)
	batch = append(batch, request(t, 1<<40)...)
	batch = append(batch, dubbo.AppendHeartbeatRequest(nil, 5)...)
	batch = append(batch, request(t, 9)...)
	if _, err := c.Write(batch); err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{7, 1 << 40} {
		assertOK(t, c, id)
	}
	if h, _ := readFrame(t, c); !h.IsEvent() || h.IsRequest() || h.ID != 5 || h.Status != dubbo.StatusOK {
		t.Errorf("heartbeat answer %+v", h)
	}
	assertOK(t, c, 9)
}

func assertOK(t *testing.T, c net.Conn, id uint64) {
	t.Helper()
	h, frame := readFrame(t, c)
	status, value, msg, err := dubbo.DecodeResponse(frame)
	if err != nil || h.IsRequest() || h.ID != id || status != dubbo.StatusOK || value != dubbocall.Reply {
		t.Errorf("response %+v: status %d, value %v, msg %q, err %v; want ID %d, OK %q", h, status, value, msg, err, id, dubbocall.Reply)
	}
}

// A request split across writes is answered once it is complete.
func TestServeSplitRequest(t *testing.T) {
	c := dial(t, start(t))
	req := request(t, 3)
	for _, part := range [][]byte{req[:5], req[5:20], req[20:]} {
		if _, err := c.Write(part); err != nil {
			t.Fatal(err)
		}
	}
	assertOK(t, c, 3)
}

// A response frame, or bytes that are not Dubbo, close the connection.
func TestServeDropsBadInput(t *testing.T) {
	resp, err := dubbocall.Response(1)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"response frame": resp,
		"not dubbo":      []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
	}
	addr := start(t)
	for name, input := range tests {
		t.Run(name, func(t *testing.T) {
			c := dial(t, addr)
			if _, err := c.Write(input); err != nil {
				t.Fatal(err)
			}
			if n, err := c.Read(make([]byte, 64)); err == nil {
				t.Errorf("read %d bytes, want the connection closed", n)
			}
		})
	}
}
