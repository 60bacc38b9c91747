package dubbo

import (
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// loopKey finds a loop's Dubbo state in engine.Loop.Local.
type loopKey struct{ sh *Shared }

// loopState is what one loop keeps for the Dubbo managers of a Shared: the
// connection pools (Envoy's per-worker pools), pooled calls, the live
// consumer connections (for drain) and scratch buffers. Loop only.
type loopState struct {
	loop   *engine.Loop
	sh     *Shared
	hosts  upstream.HostMap[*hostPool]
	cstats map[string]*clusterStats
	conns  map[*dconn]struct{}
	free   []*call
	enc    []byte   // scratch for locally encoded frames
	bufs   [][]byte // free output buffers (output.go)
}

// loopOf returns l's state for sh, creating it (and registering the loop
// for Drain) on first use. Loop only.
func loopOf(l *engine.Loop, sh *Shared) *loopState {
	return l.Local(loopKey{sh}, func() any {
		ls := &loopState{
			loop: l, sh: sh,
			cstats: map[string]*clusterStats{},
			conns:  map[*dconn]struct{}{},
			free:   make([]*call, 0, 64),
			enc:    make([]byte, 0, 256),
		}
		sh.mu.Lock()
		sh.loops = append(sh.loops, ls)
		sh.mu.Unlock()
		return ls
	}).(*loopState)
}

// clusterStats returns a cluster's request stats without the shared lock
// after the loop's first call to it. Loop only.
func (ls *loopState) clusterStats(name string) *clusterStats {
	if cs, ok := ls.cstats[name]; ok {
		return cs
	}
	cs := ls.sh.cluster(name)
	ls.cstats[name] = cs
	return cs
}

// newCall takes a call from the loop's free list. Loop only.
func (ls *loopState) newCall() *call {
	if n := len(ls.free); n > 0 {
		c := ls.free[n-1]
		ls.free[n-1] = nil
		ls.free = ls.free[:n-1]
		return c
	}
	c := &call{ls: ls}
	c.timer = ls.loop.AfterFunc(DefaultRequestTimeout, c.onTimeout)
	c.timer.Stop()
	return c
}

// Bounds of the loop's free list of calls.
const (
	maxFreeCalls = 4096
	// maxKeptBuf is the largest frame copy a pooled call keeps: a call that
	// held a bigger request or response lets go of the buffer, so a burst
	// of large frames does not stay allocated in the pool.
	maxKeptBuf = 64 << 10
)

// recycle returns a finished call to the free list. Loop only.
func (ls *loopState) recycle(c *call) {
	if len(ls.free) >= maxFreeCalls {
		return
	}
	if cap(c.buf) > maxKeptBuf {
		c.buf = nil
	}
	if cap(c.rbuf) > maxKeptBuf {
		c.rbuf = nil
	}
	c.frame, c.resp = nil, nil
	ls.free = append(ls.free, c)
}

// Drain tells every consumer connection of every manager sharing sh that
// the proxy is going away: each gets Dubbo's READONLY event (consumers stop
// sending new calls on it), calls in flight finish, and connections close
// as soon as they have no call in flight. Any goroutine.
func (sh *Shared) Drain() {
	sh.draining.Store(true)
	sh.mu.Lock()
	loops := append([]*loopState(nil), sh.loops...)
	sh.mu.Unlock()
	for _, ls := range loops {
		_ = ls.loop.Post(func() {
			for d := range ls.conns {
				d.drain()
			}
		})
	}
}
