package dubbo

import (
	"net"
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
