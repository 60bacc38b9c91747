package server

import (
	"sync"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/skiffmesh/skiff/proxy/engine"
)

// connSet tracks the open connections of one listener version, so that the version can be
// drained: when the listener is removed or replaced, its connections carry on for the drain
// time and are then closed.
type connSet struct {
	mu      sync.Mutex
	conns   map[*trackedConn]struct{}
	drained bool // drain was called: close what is left (and what opens late) at the deadline
	closed  bool // the deadline passed
}

// trackedConn wraps the handler of a connection of a tracked version.
type trackedConn struct {
	engine.Handler
	set  *connSet
	loop *engine.Loop
	c    gnet.Conn
}

// OnOpen implements engine.Handler.
func (t *trackedConn) OnOpen(l *engine.Loop, c gnet.Conn) {
	t.loop, t.c = l, c
	t.Handler.OnOpen(l, c)
	if !t.set.add(t) {
		_ = c.Close() // accepted just before the deadline: it does not get a drain period
	}
}

// OnClose implements engine.Handler.
func (t *trackedConn) OnClose(c gnet.Conn, err error) {
	t.set.remove(t)
	t.Handler.OnClose(c, err)
}

func (cs *connSet) add(t *trackedConn) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closed {
		return false
	}
	cs.conns[t] = struct{}{}
	return true
}

func (cs *connSet) remove(t *trackedConn) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	delete(cs.conns, t)
}

func (cs *connSet) draining() bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.drained && !cs.closed
}

// closeAll closes every connection left, each on its own loop.
func (cs *connSet) closeAll() {
	cs.mu.Lock()
	cs.closed = true
	left := make([]*trackedConn, 0, len(cs.conns))
	for t := range cs.conns {
		left = append(left, t)
	}
	cs.mu.Unlock()
	for _, t := range left {
		_ = t.loop.Post(func() { _ = t.c.Close() })
	}
}

// trackConns makes every connection of v tracked, for draining. A no-op on a static-only
// server (d nil). Caller holds s.mu.
func (d *Dynamic) trackConns(v *listenerVersion) {
	if d == nil {
		return
	}
	set := &connSet{conns: map[*trackedConn]struct{}{}}
	d.conns[v] = set
	for ch, f := range v.filters {
		v.filters[ch] = func(l *listener) engine.Handler {
			return &trackedConn{Handler: f(l), set: set}
		}
	}
}

// drain closes the connections of a version that no longer takes new ones once DrainTime has
// passed. Caller holds s.mu.
func (d *Dynamic) drain(v *listenerVersion) {
	set := d.conns[v]
	if set == nil {
		return
	}
	set.mu.Lock()
	set.drained = true
	set.mu.Unlock()
	d.s.log.Info("draining listener version", "listener", v.cfg.Name, "drain_time", d.opts.DrainTime)
	time.AfterFunc(d.opts.DrainTime, func() {
		set.closeAll()
		d.s.mu.Lock()
		delete(d.conns, v)
		d.s.mu.Unlock()
	})
}
