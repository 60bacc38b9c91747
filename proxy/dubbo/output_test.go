package dubbo

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// countFrames counts the complete frames at the start of b.
func countFrames(t *testing.T, b []byte) int {
	t.Helper()
	n := 0
	for {
		frame, _, err := dubbo.NextFrame(b, dubbo.DefaultMaxBodySize)
		if err != nil {
			t.Fatal(err)
		}
		if frame == nil {
			return n
		}
		b = b[len(frame):]
		n++
	}
}

// A burst of requests read at once leaves for the provider in one write,
// and the provider's burst of responses reaches the consumer in one write:
// the first read on each side holds the whole burst. Written frame by
// frame, the first read would see the first frame or a few.
func TestBurstLeavesInOneWrite(t *testing.T) {
	const n = 32
	firstRead := make(chan int, 1)
	provider := serveTCP(t, func(c net.Conn) {
		buf := make([]byte, 1<<20)
		k, err := c.Read(buf)
		if err != nil {
			return
		}
		got := buf[:k]
		firstRead <- countFrames(t, got)
		var out []byte
		for len(got) > 0 { // answer in one write whatever has arrived in full
			frame, h, err := dubbo.NextFrame(got, dubbo.DefaultMaxBodySize)
			if err != nil || frame == nil {
				break
			}
			out, _ = dubbo.AppendResponse(out, h.ID, "ok", nil)
			got = got[len(frame):]
		}
		_, _ = c.Write(out)
		_, _ = c.Read(buf) // until the test ends
	})
	h := startHarness(t, testRoutes, provider, nil)
	// The calls wait for the provider connection and are sent when it
	// opens: one event, so one write as well.
	nc, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var burst []byte
	for i := range n {
		burst = append(burst, request(t, uint64(100+i), true, "m")...)
	}
	if _, err := nc.Write(burst); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-firstRead:
		if got != n {
			t.Fatalf("provider's first read held %d of %d requests", got, n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no request reached the provider")
	}
	buf := make([]byte, 1<<20)
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	k, err := nc.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := countFrames(t, buf[:k]); got != n {
		t.Fatalf("consumer's first read held %d of %d responses", got, n)
	}
}

// A frame large enough to be written as it is (directWrite) leaves behind
// the smaller frames queued before it and ahead of those after it, intact.
func TestLargeFrameKeepsOrder(t *testing.T) {
	big := strings.Repeat("x", directWrite+1000) // all three fit one read of the provider connection
	provider := serveTCP(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		var ids []uint64
		for len(ids) < 3 {
			_, h, err := readFrame(br)
			if err != nil {
				return
			}
			ids = append(ids, h.ID)
		}
		var out []byte
		for i, v := range []string{"small-1", big, "small-2"} { // in reverse order, in one write
			out, _ = dubbo.AppendResponse(out, ids[2-i], v, nil)
		}
		_, _ = c.Write(out)
		_, _ = c.Read(make([]byte, 1)) // until the test ends
	})
	h := startHarness(t, testRoutes, provider, nil)
	nc, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var burst []byte
	for id := uint64(1); id <= 3; id++ {
		burst = append(burst, request(t, id, true, "m")...)
	}
	if _, err := nc.Write(burst); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	want := []struct {
		id uint64
		v  string
	}{{3, "small-1"}, {2, big}, {1, "small-2"}}
	for _, w := range want {
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		frame, hd, err := readFrame(br)
		if err != nil {
			t.Fatal(err)
		}
		status, v, _, err := dubbo.DecodeResponse(frame)
		if err != nil || status != dubbo.StatusOK || hd.ID != w.id || v != w.v {
			t.Fatalf("got ID %d status %d (%v), value of %d bytes; want ID %d, %d bytes", hd.ID, status, err, len(fmt.Sprint(v)), w.id, len(w.v))
		}
	}
}
