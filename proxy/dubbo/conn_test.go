package dubbo

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/protocol/dubbo"
)

const testRoutes = `
- name: greeter
  interface: com.foo.Greeter
  routes:
  - match: {method: {name: {safe_regex: {regex: ".*"}}}}
    route: {cluster: c}`

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPendingTable: two-way calls leave the table once answered, one-way
// calls never enter it, and calls of a closed consumer leave it when their
// timeout fires.
func TestPendingTable(t *testing.T) {
	h := startHarness(t, testRoutes, echoProvider(t), func(sh *Shared) { sh.RequestTimeout = 200 * time.Millisecond })
	nc, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	br := bufio.NewReader(nc)
	// Many frames in one write: framing handles several per read.
	var batch []byte
	for i := range 20 {
		batch = append(batch, request(t, uint64(i+1), i%2 == 0, "hi")...)
	}
	if _, err := nc.Write(batch); err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]bool{}
	for range 10 {
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		frame, hd, err := readFrame(br)
		if err != nil {
			t.Fatal(err)
		}
		if status, v, msg, _ := dubbo.DecodeResponse(frame); status != dubbo.StatusOK || v != "hi" {
			t.Fatalf("response %d: %d %v %q", hd.ID, status, v, msg)
		}
		seen[hd.ID] = true
	}
	for i := 1; i <= 20; i += 2 {
		if !seen[uint64(i)] {
			t.Errorf("no response for two-way call %d", i)
		}
	}
	if n := h.inflight(t); n != 0 {
		t.Errorf("%d calls left in the tables, want 0", n)
	}
	// A call without a response, then the consumer goes away.
	if _, err := nc.Write(request(t, 99, true, "hang")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the call in the table", func() bool { return h.inflight(t) == 2 }) // counted by inflight and by slot
	_ = nc.Close()
	eventually(t, "the table empty", func() bool { return h.inflight(t) == 0 })
	if v := h.m.stats.RequestActive.Value(); v != 0 {
		t.Errorf("request_active = %d, want 0", v)
	}
}

// TestPartialFrames: a request split across many reads is framed once
// whole, and a heartbeat between calls is answered by the proxy.
func TestPartialFrames(t *testing.T) {
	h := startHarness(t, testRoutes, echoProvider(t), nil)
	nc, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	br := bufio.NewReader(nc)
	req := append(request(t, 7, true, "split"), dubbo.AppendHeartbeatRequest(nil, 8)...)
	for _, n := range []int{1, 2, 13, 40, len(req)} {
		if n > len(req) {
			n = len(req)
		}
		if _, err := nc.Write(req[:n]); err != nil {
			t.Fatal(err)
		}
		req = req[n:]
		time.Sleep(5 * time.Millisecond) // separate reads
	}
	got := map[uint64]bool{}
	for range 2 { // in either order: the heartbeat does not wait for the call
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		frame, hd, err := readFrame(br)
		if err != nil {
			t.Fatal(err)
		}
		got[hd.ID] = true
		switch hd.ID {
		case 8:
			if !hd.IsEvent() {
				t.Fatalf("heartbeat answered with %+v", hd)
			}
		case 7:
			if status, v, _, _ := dubbo.DecodeResponse(frame); status != dubbo.StatusOK || v != "split" {
				t.Fatalf("got %d %v", status, v)
			}
		default:
			t.Fatalf("unexpected response ID %d", hd.ID)
		}
	}
	if !got[7] || !got[8] {
		t.Fatalf("responses %v, want 7 and 8", got)
	}
}

// TestCallOutlivesReadBuffer: a call waiting for its provider no longer
// reads the consumer's read buffer, which later requests overwrite: its
// timeout message names its own method.
func TestCallOutlivesReadBuffer(t *testing.T) {
	h := startHarness(t, testRoutes, echoProvider(t), func(sh *Shared) { sh.RequestTimeout = 300 * time.Millisecond })
	nc, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	br := bufio.NewReader(nc)
	// A first call opens the provider connection: the next is sent at once,
	// straight from the read buffer.
	if _, err := nc.Write(request(t, 3, true, "warm")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readFrame(br); err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Write(request(t, 1, true, "hang")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // separate reads
	if _, err := nc.Write(request(t, 2, true, "over")); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		frame, hd, err := readFrame(br)
		if err != nil {
			t.Fatal(err)
		}
		status, v, msg, _ := dubbo.DecodeResponse(frame)
		switch hd.ID {
		case 1:
			t.Logf("msg %q", msg)
			if status != dubbo.StatusServerTimeout || !strings.HasSuffix(msg, "com.foo.Greeter hang") {
				t.Errorf("call 1: %d %q, want a timeout naming com.foo.Greeter hang", status, msg)
			}
		case 2:
			if v != "over" {
				t.Errorf("call 2: %d %v %q", status, v, msg)
			}
		}
	}
}
