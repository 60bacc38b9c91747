package dubbo

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// FuzzConsumerStream feeds arbitrary bytes to a real proxy as a consumer
// connection's stream, checks that the proxy closes that connection after
// its end, and that it still serves a call on each of its loops (one
// well-behaved consumer connection per loop).
func FuzzConsumerStream(f *testing.F) {
	req := request(f, 1, true, "hi")
	bad := append([]byte(nil), req...)
	bad[2] = bad[2]&^dubbo.SerializationMask | 7
	huge := dubbo.AppendHeartbeatRequest(nil, 9)
	binary.BigEndian.PutUint32(huge[12:], 1<<30)
	for _, seed := range [][]byte{
		req,
		append(append(request(f, 2, false, "oneway"), dubbo.AppendHeartbeatRequest(nil, 3)...), req...),
		append(dubbo.AppendReadonlyEvent(nil, 4), req[:20]...),
		bad, huge, req[:dubbo.HeaderSize+3],
		[]byte("GET / HTTP/1.1\r\n\r\n"),
	} {
		f.Add(seed)
	}
	h := startHarness(f, testRoutes, echoProvider(f), func(sh *Shared) { sh.RequestTimeout = 100 * time.Millisecond })
	good := []*goodConsumer{dialGood(f, h.addr), dialGood(f, h.addr)} // one per loop (least connections)
	f.Fuzz(func(t *testing.T, stream []byte) {
		nc, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_, _ = nc.Write(stream)
		// Half-close: the proxy reads the whole stream, then its EOF, and
		// closes; reading to the end leaves the TIME_WAIT on its side.
		_ = nc.(*net.TCPConn).CloseWrite()
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.Copy(io.Discard, nc); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("the proxy did not close the connection after its EOF: %v", err)
		}
		for _, g := range good {
			g.check(t)
		}
	})
}

// FuzzProviderStream answers a consumer's call with arbitrary bytes from
// the provider (the request's ID put in the first header), after which the
// provider closes its connection. Whatever the bytes, the consumer gets
// exactly one answer to its call: the provider's response or an error.
func FuzzProviderStream(f *testing.F) {
	ok, _ := dubbo.AppendResponse(nil, 0, "v", nil)
	for _, seed := range [][]byte{
		ok, ok[:20], append(append([]byte(nil), ok...), ok...),
		dubbo.AppendErrorResponse(nil, 0, dubbo.StatusServiceError, "boom"),
		append(dubbo.AppendHeartbeatRequest(nil, 0), ok...),
		append(dubbo.AppendReadonlyEvent(nil, 0), ok...),
		[]byte("not dubbo at all"), nil,
	} {
		f.Add(seed)
	}
	var reply atomic.Pointer[[]byte]
	h := startHarness(f, testRoutes, scriptedProvider(f, &reply), func(sh *Shared) { sh.RequestTimeout = 2 * time.Second })
	g := dialGood(f, h.addr)
	f.Fuzz(func(t *testing.T, stream []byte) {
		reply.Store(&stream)
		g.id++
		if _, err := g.nc.Write(request(t, g.id, true, "fuzz")); err != nil {
			t.Fatal(err)
		}
		_ = g.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, hd, err := readFrame(g.br)
		if err != nil || hd.ID != g.id || hd.IsRequest() || hd.IsEvent() {
			t.Fatalf("call %d: answer %+v, %v", g.id, hd, err)
		}
	})
}

// scriptedProvider reads one request per connection, writes *reply with
// the request's ID in its first header, and closes the connection.
func scriptedProvider(t testing.TB, reply *atomic.Pointer[[]byte]) string {
	return serveTCP(t, func(c net.Conn) {
		_, hd, err := readFrame(bufio.NewReader(c))
		if err != nil {
			return
		}
		out := append([]byte(nil), *reply.Load()...)
		if len(out) >= 12 {
			dubbo.PutID(out, hd.ID)
		}
		_, _ = c.Write(out)
	})
}

// goodConsumer is a consumer connection that makes one call at a time.
type goodConsumer struct {
	nc net.Conn
	br *bufio.Reader
	id uint64
}

func dialGood(t testing.TB, addr string) *goodConsumer {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	return &goodConsumer{nc: nc, br: bufio.NewReader(nc)}
}

// check makes a call and fails t unless the provider's answer comes back.
func (g *goodConsumer) check(t *testing.T) {
	g.id++
	if _, err := g.nc.Write(request(t, g.id, true, "alive")); err != nil {
		t.Fatalf("good consumer: %v", err)
	}
	_ = g.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	frame, hd, err := readFrame(g.br)
	if err != nil {
		t.Fatalf("good consumer: %v", err)
	}
	if status, v, msg, _ := dubbo.DecodeResponse(frame); hd.ID != g.id || status != dubbo.StatusOK || v != "alive" {
		t.Fatalf("good consumer: response %d: %d %v %q", hd.ID, status, v, msg)
	}
}
