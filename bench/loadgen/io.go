//go:build linux

package loadgen

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// sendDue sends on every free connection whose time has come: in Open
// mode when its scheduled time has passed (and lies in the run), in
// Closed mode at once until the window ends.
func (g *generator) sendDue(now int64) error {
	for i := range g.conns {
		c := &g.conns[i]
		if c.busy {
			continue
		}
		if g.cfg.Mode == Closed {
			if now < g.end {
				if err := g.send(i, now); err != nil {
					return err
				}
			}
			continue
		}
		if c.due > now || c.due >= g.end {
			continue
		}
		if c.freeAt <= c.due && c.due >= g.warmEnd {
			g.lag.Add(now - c.due)
		}
		if err := g.send(i, c.due); err != nil {
			return err
		}
		c.due += g.interval
	}
	return nil
}

// send writes one request on connection i; origin is its latency origin.
// A request fits an empty socket buffer, so a short write is an error.
func (g *generator) send(i int, origin int64) error {
	c := &g.conns[i]
	n, err := unix.Write(c.fd, g.msg)
	if err != nil {
		return fmt.Errorf("loadgen: conn %d: write: %w", i, err)
	}
	if n != len(g.msg) {
		return fmt.Errorf("loadgen: conn %d: short write %d of %d", i, n, len(g.msg))
	}
	c.busy, c.origin = true, origin
	return nil
}

// waitAndRead sleeps until the next event or deadline (busy-polling the
// last g.spin nanoseconds) and handles what became ready.
func (g *generator) waitAndRead(now int64) error {
	return g.waitUntil(now, g.nextWake(now), g)
}

// nextWake is the earliest of the next phase edge and, in Open mode, the
// next scheduled send on a free connection.
func (g *generator) nextWake(now int64) int64 {
	t := g.nextEdge(now)
	if g.cfg.Mode != Open {
		return t
	}
	for i := range g.conns {
		c := &g.conns[i]
		if !c.busy && c.due < g.end && c.due < t {
			t = c.due
		}
	}
	return t
}

// onReadable reads what connection i has; a complete response frees the
// connection and, if its origin lies in the window, is counted.
func (g *generator) onReadable(i int, now int64) error {
	c := &g.conns[i]
	want := len(g.buf)
	if g.cfg.Protocol != HTTP {
		want -= c.got // never read past the echo, so a stray byte shows
	}
	n, err := readConn(i, c.fd, g.buf[:want])
	if n == 0 {
		return err
	}
	if !c.busy {
		return fmt.Errorf("loadgen: conn %d: %d unexpected bytes", i, n)
	}
	done, err := g.frame(c, g.buf[:n])
	if err != nil || !done {
		return wrapConn(i, err)
	}
	c.busy, c.got, c.freeAt = false, 0, now
	if c.origin >= g.warmEnd && c.origin < g.end {
		g.requests++
		g.latency.Add(now - c.origin)
	}
	return nil
}

// frame accounts for b, just read on c, and reports whether the
// outstanding response is complete. An HTTP response must be all that b
// holds (one request is outstanding) and have status 200.
func (g *generator) frame(c *conn, b []byte) (bool, error) {
	if g.cfg.Protocol != HTTP {
		c.got += len(b)
		return c.got == len(g.msg), nil
	}
	used, done, err := c.resp.feed(b)
	switch {
	case err != nil:
		return false, err
	case done && used < len(b):
		return false, fmt.Errorf("%d bytes after the response", len(b)-used)
	case done && c.resp.status != 200:
		return false, fmt.Errorf("response status %d, want 200", c.resp.status)
	}
	return done, nil
}

func wrapConn(i int, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("loadgen: conn %d: %w", i, err)
}
