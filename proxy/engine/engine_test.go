package engine

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
)

func startEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := Start(Options{Loops: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(t.Context()) })
	return e
}

// funcHandler adapts functions to Handler.
type funcHandler struct {
	open    func(*Loop, gnet.Conn)
	traffic func(gnet.Conn)
	closed  func(gnet.Conn, error)
}

func (h *funcHandler) OnOpen(l *Loop, c gnet.Conn) {
	if h.open != nil {
		h.open(l, c)
	}
}
func (h *funcHandler) OnTraffic(c gnet.Conn) {
	if h.traffic != nil {
		h.traffic(c)
	}
}
func (h *funcHandler) OnClose(c gnet.Conn, err error) {
	if h.closed != nil {
		h.closed(c, err)
	}
}

// registerPair registers the server side of a loopback connection with h
// and returns the client side.
func registerPair(t *testing.T, e *Engine, h Handler) net.Conn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Register(srv, h); err != nil {
		t.Fatal(err)
	}
	return client
}

func TestTimersFireInOrderOnTheLoop(t *testing.T) {
	e := startEngine(t)
	var mu sync.Mutex
	var fired []int
	done := make(chan struct{})
	registerPair(t, e, &funcHandler{open: func(l *Loop, _ gnet.Conn) {
		record := func(i int) func() {
			return func() {
				mu.Lock()
				fired = append(fired, i)
				n := len(fired)
				mu.Unlock()
				if n == 3 {
					close(done)
				}
			}
		}
		l.AfterFunc(30*time.Millisecond, record(3))
		l.AfterFunc(10*time.Millisecond, record(1))
		stopped := l.AfterFunc(15*time.Millisecond, record(99))
		if !stopped.Stop() {
			t.Error("Stop of a scheduled timer reported false")
		}
		moved := l.AfterFunc(time.Hour, record(2))
		moved.ResetAt(l.Now() + int64(20*time.Millisecond))
	}})
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("timers did not fire")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(fired) != 3 || fired[0] != 1 || fired[1] != 2 || fired[2] != 3 {
		t.Fatalf("fired %v, want [1 2 3]", fired)
	}
}

func TestWatchRunsUntilTrue(t *testing.T) {
	e := startEngine(t)
	done := make(chan int, 1)
	registerPair(t, e, &funcHandler{open: func(l *Loop, _ gnet.Conn) {
		n := 0
		l.Watch(func() bool {
			n++
			if n == 5 {
				done <- n
				return true
			}
			return false
		})
	}})
	select {
	case n := <-done:
		if n != 5 {
			t.Fatalf("n = %d", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not complete")
	}
}

// The gnet internals Skiff reaches into (the loop's epoll descriptor and a
// connection's outbound buffer) must be where this build expects them.
func TestGnetInternalsReachable(t *testing.T) {
	e := startEngine(t)
	type result struct {
		pauseErr, resumeErr error
		taken               []byte
		ok                  bool
	}
	res := make(chan result, 1)
	client := registerPair(t, e, &funcHandler{open: func(l *Loop, c gnet.Conn) {
		var r result
		r.pauseErr = l.PauseRead(c)
		r.resumeErr = l.ResumeRead(c)
		// Queue more than the socket takes so some stays in gnet's buffer.
		big := make([]byte, 32<<20)
		_, _ = c.Write(big)
		r.taken, r.ok = TakeOutbound(c)
		res <- r
	}})
	_ = client
	r := <-res
	if r.pauseErr != nil || r.resumeErr != nil {
		t.Fatalf("pause: %v, resume: %v", r.pauseErr, r.resumeErr)
	}
	if !r.ok || len(r.taken) == 0 {
		t.Fatalf("TakeOutbound: ok=%v, %d bytes", r.ok, len(r.taken))
	}
}

// A paused connection is not read; resuming delivers what was sent.
func TestPauseStopsReading(t *testing.T) {
	e := startEngine(t)
	var mu sync.Mutex
	var got []byte
	var loop *Loop
	var conn gnet.Conn
	opened := make(chan struct{})
	client := registerPair(t, e, &funcHandler{
		open: func(l *Loop, c gnet.Conn) {
			loop, conn = l, c
			if err := l.PauseRead(c); err != nil {
				t.Error(err)
			}
			close(opened)
		},
		traffic: func(c gnet.Conn) {
			b, _ := c.Next(-1)
			mu.Lock()
			got = append(got, b...)
			mu.Unlock()
		},
	})
	<-opened
	if _, err := client.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // give a (wrong) read the chance to happen
	mu.Lock()
	n := len(got)
	mu.Unlock()
	if n != 0 {
		t.Fatalf("read %d bytes while paused", n)
	}
	_ = loop.Post(func() { _ = loop.ResumeRead(conn) })
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		s := string(got)
		mu.Unlock()
		if s == "hello" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after resume got %q", s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
