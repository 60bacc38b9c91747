package engine

import (
	"bytes"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// corker collects what one event writes and sends it in Flush, counting
// the writes that reach the socket.
type corker struct {
	l      *Loop
	c      gnet.Conn
	buf    []byte
	writes int
}

func (k *corker) write(b []byte) {
	if len(k.buf) == 0 {
		k.l.FlushAfter(k)
	}
	k.buf = append(k.buf, b...)
}

func (k *corker) Flush() {
	_, _ = k.c.Write(k.buf)
	k.buf = k.buf[:0]
	k.writes++
}

// Bytes queued during an event (OnOpen, OnTraffic, a timer, a posted
// function) leave in one write per event once it is handled.
func TestFlushAfterEachEvent(t *testing.T) {
	e := startEngine(t)
	k := &corker{}
	writes := make(chan int, 8)
	client := registerPair(t, e, &funcHandler{
		open: func(l *Loop, c gnet.Conn) {
			k.l, k.c = l, c
			k.write([]byte("open;"))
		},
		traffic: func(c gnet.Conn) {
			in, _ := c.Next(-1)
			for _, b := range in { // one write per byte read: all in one flush
				k.write([]byte{b})
			}
			k.l.AfterFunc(time.Millisecond, func() {
				k.write([]byte(";timer"))
				k.write([]byte(";"))
				writes <- k.writes
			})
		},
	})
	want := "open;abc;timer;"
	if _, err := client.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(want))
	_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(client, got); err != nil {
		t.Fatalf("read: %v (got %q)", err, got)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// The timer reports the writes before its own flush: open and traffic.
	if n := <-writes; n != 2 {
		t.Fatalf("writes before the timer's flush = %d, want 2 (one per event)", n)
	}
	posted := make(chan int, 1)
	if err := k.l.Post(func() { k.write([]byte("x")); k.write([]byte("y")) }); err != nil {
		t.Fatal(err)
	}
	got = make([]byte, 2)
	if _, err := io.ReadFull(client, got); err != nil || string(got) != "xy" {
		t.Fatalf("posted: %q, %v", got, err)
	}
	if err := k.l.Post(func() { posted <- k.writes }); err != nil {
		t.Fatal(err)
	}
	if n := <-posted; n != 4 {
		t.Fatalf("writes = %d, want 4 (open, traffic, timer, post)", n)
	}
}

type flusherFunc func()

func (f flusherFunc) Flush() { f() }

// TestFlushQueuedReentrant: a Flush whose write fails has gnet close the connection at once,
// and the close handler flushes again, inside the running flush. Every queued Flusher still runs
// once, in order, and nothing runs a Flusher already taken.
func TestFlushQueuedReentrant(t *testing.T) {
	l := &Loop{}
	var ran []string
	var second, third flusherFunc
	first := flusherFunc(func() {
		ran = append(ran, "first")
		l.FlushAfter(second) // queued by the close handler
		l.flushQueued()      // the close handler's flush
		l.FlushAfter(third)
	})
	second = func() { ran = append(ran, "second") }
	third = func() { ran = append(ran, "third") }
	l.FlushAfter(first)
	l.flushQueued()
	if want := []string{"first", "second", "third"}; !slices.Equal(ran, want) {
		t.Fatalf("ran %v, want %v", ran, want)
	}
	if len(l.flushes) != 0 || l.flushing {
		t.Fatalf("after the flush: %d queued, flushing %v", len(l.flushes), l.flushing)
	}
	// The next event flushes normally.
	l.FlushAfter(second)
	l.flushQueued()
	if len(ran) != 4 {
		t.Fatalf("ran %v after a second flush", ran)
	}
}
