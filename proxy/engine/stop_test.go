package engine

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Connections handed in while the engine stops: every Register and Enroll
// returns, Stop returns, and every socket is closed. Without Stop waiting
// for hand-ins, gnet's wait for a loop that has already stopped never
// ends, and neither does the socket.
func TestStopWithConnectionsBeingHandedIn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var (
		peersMu sync.Mutex
		peers   []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			peersMu.Lock()
			peers = append(peers, c)
			peersMu.Unlock()
		}
	}()
	e, err := Start(Options{Loops: 2})
	if err != nil {
		t.Fatal(err)
	}
	loops := make(chan *Loop, 1)
	first, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Register(first, &funcHandler{open: func(l *Loop, _ gnet.Conn) { loops <- l }}); err != nil {
		t.Fatal(err)
	}
	loop := <-loops

	var handers sync.WaitGroup
	for i := range 8 {
		handers.Go(func() {
			for {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					t.Error(err)
					return
				}
				if i%2 == 0 {
					err = e.Register(c, &funcHandler{})
				} else {
					err = loop.Enroll(c, &funcHandler{})
				}
				if errors.Is(err, ErrStopped) {
					return
				}
				if err != nil {
					t.Errorf("hand-in: %v", err)
					return
				}
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	handed := make(chan struct{})
	go func() { handers.Wait(); close(handed) }()
	select {
	case <-handed:
	case <-time.After(5 * time.Second):
		t.Fatal("a Register or Enroll call still waits after Stop")
	}
	peersMu.Lock()
	defer peersMu.Unlock()
	if len(peers) < 10 {
		t.Fatalf("only %d connections were handed in; the test did not race Stop", len(peers))
	}
	buf := make([]byte, 1)
	for i, c := range peers {
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Read(buf); errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("connection %d of %d is still open after Stop", i, len(peers))
		}
		_ = c.Close()
	}
}
