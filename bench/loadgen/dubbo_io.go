//go:build linux

package loadgen

import (
	"fmt"

	"github.com/skiffmesh/skiff/bench/dubbocall"
	"github.com/skiffmesh/skiff/protocol/dubbo"
	"golang.org/x/sys/unix"
)

// sendDue queues the requests whose time has come and writes each
// connection's queue at once: in Open mode every request due by now (on
// connection k mod Conns, waiting while that connection's window is
// full), in Closed mode until every connection's window is full, as long
// as the window lasts.
func (g *dubboGen) sendDue(now int64) error {
	if g.cfg.Mode == Closed && now < g.end {
		for i := range g.conns {
			for c := &g.conns[i]; !c.slots.full(); {
				g.queue(c, now)
			}
		}
	}
	if g.cfg.Mode == Open {
		g.queueDue(now)
	}
	for i := range g.conns {
		if err := g.flush(i); err != nil {
			return err
		}
	}
	return nil
}

// queueDue queues every request of the schedule due by now. Send lag is
// recorded for requests of the window that did not wait for a slot.
func (g *dubboGen) queueDue(now int64) {
	for ; g.next < g.stop; g.next++ {
		due := g.due(g.next)
		if due > now {
			return
		}
		c := &g.conns[g.next%int64(len(g.conns))]
		if c.slots.full() {
			g.stalled = true
			return
		}
		if !g.stalled && due >= g.warmEnd {
			g.lag.Add(now - due)
		}
		g.stalled = false
		g.queue(c, due)
	}
}

// queue appends one request with latency origin origin to c's queue.
func (g *dubboGen) queue(c *dubboConn, origin int64) {
	id := c.slots.take(origin)
	c.out = append(c.out, g.msg...)
	dubbo.PutID(c.out[len(c.out)-len(g.msg):], id)
}

// flush writes connection i's queue. The queue is at most a window of
// requests, which the socket buffer takes whole, so a short write is an
// error.
func (g *dubboGen) flush(i int) error {
	c := &g.conns[i]
	if len(c.out) == 0 {
		return nil
	}
	n, err := unix.Write(c.fd, c.out)
	if err != nil {
		return fmt.Errorf("loadgen: conn %d: write %d bytes: %w", i, len(c.out), err)
	}
	if n != len(c.out) {
		return fmt.Errorf("loadgen: conn %d: short write %d of %d", i, n, len(c.out))
	}
	c.out = c.out[:0]
	return nil
}

// waitAndRead sleeps until the next event or deadline (busy-polling the
// last g.spin nanoseconds) and handles what became ready.
func (g *dubboGen) waitAndRead(now int64) error {
	return g.waitUntil(now, g.nextWake(now), g)
}

// nextWake is the earliest of the next phase edge and, in Open mode, the
// next scheduled send unless it waits for a slot.
func (g *dubboGen) nextWake(now int64) int64 {
	t := g.nextEdge(now)
	if g.cfg.Mode == Open && g.next < g.stop && !g.stalled {
		t = min(t, g.due(g.next))
	}
	return t
}

// onReadable reads what connection i has and handles every complete
// frame; an incomplete one waits in the connection's buffer.
func (g *dubboGen) onReadable(i int, now int64) error {
	c := &g.conns[i]
	n, err := readConn(i, c.fd, c.in[len(c.in):cap(c.in)])
	if n == 0 {
		return err
	}
	c.in = c.in[:len(c.in)+n]
	used := 0
	for {
		frame, h, err := dubbo.NextFrame(c.in[used:], dubbocall.MaxFrame)
		if err != nil {
			return wrapConn(i, err)
		}
		if frame == nil {
			break
		}
		if err := g.onFrame(c, h, now); err != nil {
			return wrapConn(i, err)
		}
		used += len(frame)
	}
	c.in = c.in[:copy(c.in, c.in[used:])]
	return nil
}

// onFrame handles one frame from the peer: a response completes the
// request with its ID, and counts if that request's origin lies in the
// window; a heartbeat request is answered; other events are ignored.
func (g *dubboGen) onFrame(c *dubboConn, h dubbo.Header, now int64) error {
	switch {
	case h.IsEvent():
		if h.IsRequest() && h.IsTwoWay() {
			c.out = dubbo.AppendHeartbeatResponse(c.out, h.ID)
		}
		return nil
	case h.IsRequest():
		return fmt.Errorf("request frame (ID %d) from the provider side", h.ID)
	case h.Status != dubbo.StatusOK:
		return fmt.Errorf("response ID %d: status %d, want %d", h.ID, h.Status, dubbo.StatusOK)
	}
	origin, ok := c.slots.release(h.ID)
	if !ok {
		return fmt.Errorf("%w: ID %d", ErrUnknownID, h.ID)
	}
	if origin >= g.warmEnd && origin < g.end {
		g.requests++
		g.latency.Add(now - origin)
	}
	return nil
}
