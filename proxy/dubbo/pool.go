package dubbo

import (
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// hostPool is one loop's connections to one provider host: up to the
// connections per host of the manager whose call asks (settings), each carrying many calls at once, and the
// calls waiting for the first one to open. Loop only.
type hostPool struct {
	ls      *loopState
	cluster *upstream.Cluster
	host    *upstream.Host
	conns   []*upconn // open and accepting calls
	next    int       // round-robin position in conns
	dialing int
	waiting []*call
}

// pool returns the loop's pool for host h of cluster cl. Loop only.
func (ls *loopState) pool(cl *upstream.Cluster, h *upstream.Host) *hostPool {
	hp, ok := ls.hosts.Get(h)
	if !ok || hp.cluster != cl {
		hp = &hostPool{ls: ls, cluster: cl, host: h, conns: make([]*upconn, 0, 1)}
		ls.hosts.Set(h, hp)
	}
	return hp
}

// send puts c on a connection now, or queues it until one opens. d is the
// call's consumer connection.
func (hp *hostPool) send(c *call, d *dconn) {
	if len(hp.conns)+hp.dialing < c.m.set.connsPerHost {
		hp.dial(c.shard, &c.m.set)
	}
	if n := len(hp.conns); n > 0 {
		hp.next++
		if hp.next >= n {
			hp.next = 0
		}
		uc := hp.conns[hp.next]
		d.lastUp = uc
		uc.send(c)
		return
	}
	if hp.dialing == 0 {
		c.cs.RqPendingOverflow.Inc(c.shard)
		c.localReply(dubbo.StatusThreadpoolExhausted, msgOverflow+": max_connections of cluster "+hp.cluster.Name())
		return
	}
	if !hp.cluster.AcquirePending() {
		c.cs.RqPendingOverflow.Inc(c.shard)
		c.localReply(dubbo.StatusThreadpoolExhausted, msgOverflow+": max_pending_requests of cluster "+hp.cluster.Name())
		return
	}
	c.cs.RqPendingTotal.Inc(c.shard)
	c.cs.RqPendingActive.Inc(c.shard)
	c.queued, c.phase = true, phaseQueued
	c.hold()
	hp.waiting = append(hp.waiting, c)
}

// dial opens a connection when the max_connections breaker allows; its
// heartbeats and frame limit are set's.
func (hp *hostPool) dial(shard int, set *settings) {
	if !hp.cluster.AcquireConnection(shard) {
		return
	}
	hp.dialing++
	uc := &upconn{
		hp: hp, dialAt: time.Now(),
		hbInterval: set.heartbeatInterval, hbMisses: set.heartbeatMisses, maxBody: set.maxBody,
	}
	cfg := hp.cluster.Config()
	go uc.dial(hp.ls.loop, hp.ls.sh.Dialer, cfg.ConnectTimeout, cfg.SourceAddress)
}

// dequeue removes a waiting call (it ended before a connection opened).
func (hp *hostPool) dequeue(c *call) {
	for i, w := range hp.waiting {
		if w == c {
			hp.waiting = append(hp.waiting[:i], hp.waiting[i+1:]...)
			hp.unqueue(c)
			return
		}
	}
}

// unqueue returns a call's pending slot.
func (hp *hostPool) unqueue(c *call) {
	c.queued = false
	hp.cluster.ReleasePending()
	c.cs.RqPendingActive.Dec(c.shard)
}

// opened adds a new connection and sends the waiting calls on it.
func (hp *hostPool) opened(uc *upconn) {
	hp.dialing--
	hp.conns = append(hp.conns, uc)
	waiting := hp.waiting
	hp.waiting = nil
	for _, c := range waiting {
		hp.unqueue(c)
		if d := c.d; d != nil {
			d.lastUp = uc
		}
		uc.send(c)
	}
	clear(waiting)
	if hp.waiting == nil {
		hp.waiting = waiting[:0]
	}
}

// connectFailed fails the waiting calls when no connection is left to
// carry them.
func (hp *hostPool) connectFailed(err error) {
	hp.dialing--
	hp.cluster.ReleaseConnection()
	if len(hp.conns) > 0 || hp.dialing > 0 || len(hp.waiting) == 0 {
		hp.forgetIfUnused()
		return
	}
	msg := "skiff: upstream connect failure: " + hp.host.Addr().String() + ": " + connectReason(err)
	waiting := hp.waiting
	hp.waiting = nil
	for _, c := range waiting {
		hp.unqueue(c)
		c.localReply(dubbo.StatusServiceError, msg)
	}
	hp.forgetIfUnused()
}

// forgetIfUnused drops the pool from the loop's map once it has nothing
// (hosts come and go with EDS and DNS; their pools should not pile up).
func (hp *hostPool) forgetIfUnused() {
	if cur, _ := hp.ls.hosts.Get(hp.host); cur == hp && len(hp.conns) == 0 && hp.dialing == 0 && len(hp.waiting) == 0 {
		hp.ls.hosts.Delete(hp.host)
	}
}

// remove takes uc out of the connections that accept calls.
func (hp *hostPool) remove(uc *upconn) {
	for i, x := range hp.conns {
		if x == uc {
			hp.conns = append(hp.conns[:i], hp.conns[i+1:]...)
			return
		}
	}
}

// connectReason is the short reason of a failed connect ("connection
// refused", "connect timeout").
func connectReason(err error) string {
	var errno syscall.Errno
	var ne net.Error
	switch {
	case errors.Is(err, upstream.ErrConnectTimeout), errors.As(err, &ne) && ne.Timeout():
		return "connect timeout"
	case errors.As(err, &errno):
		return errno.Error()
	default:
		return err.Error()
	}
}
