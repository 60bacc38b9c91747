package httpcm

import (
	"time"

	"github.com/skiffmesh/skiff/proxy/upstream"
)

// Pools of removed hosts. A host that leaves its cluster (upstream.Host.Removed: an EDS update,
// a DNS re-resolution, ORIGINAL_DST cleanup, a removed or replaced cluster) is no longer picked,
// but its pool may still hold idle keep-alive connections, busy connections and queued requests.
// As Envoy drains the pools of removed hosts: queued and in-flight requests finish, a connection
// released after a request is closed instead of kept idle, idle connections are closed by a
// per-loop sweep, and the pool is forgotten once it has no connection, dial or queued request.
// The only cost on the request path is the atomic load of the mark when a connection is released.
//
// Empty pools of hosts still in their cluster. As Envoy erases a worker's idle connection pools,
// the sweep also forgets the pool of any host that has no connection, dial or queued request
// (its connections failed or timed out idle); the host's next request makes a new one. Without
// this a loop would keep a pool for every host it ever tried: a consumer whose calls reach all
// 100,000 endpoints of its clusters would hold 100,000 empty pools per loop.

// pruneInterval is how often a loop sweeps its pools while it has any.
const pruneInterval = 2 * time.Second

// poolGaugeName counts the HTTP/1.1 connection pools of a cluster (one per loop and host in use).
const poolGaugeName = "upstream_cx_pool_active"

// add makes the pool of h in cl and starts the sweep if it is not running. Loop only.
func (p *pools) add(cl *upstream.Cluster, h *upstream.Host) *hostPool {
	hp := &hostPool{p: p, cluster: cl, host: h}
	hp.gauge = p.clusterStats(cl.Name()).scope.Gauge(poolGaugeName)
	hp.gauge.Inc(p.loop.Index())
	p.byHost.Set(h, hp)
	if p.prune == nil {
		p.prune = p.loop.AfterFunc(pruneInterval, p.sweep)
	} else if p.byHost.Len() == 1 {
		p.prune.Reset(pruneInterval) // the map was empty: the sweep had stopped
	}
	return hp
}

// sweep closes the idle connections of removed hosts, forgets the pools that are empty or that
// removed hosts no longer use, then runs again after pruneInterval while any pool is left. Loop
// only.
func (p *pools) sweep() {
	for _, hp := range p.byHost.All() {
		if hp.host.Removed() {
			hp.closeIdle()
			hp.forgetIfDone()
		} else if hp.empty() {
			p.drop(hp)
		}
	}
	if p.byHost.Len() > 0 {
		p.prune.Reset(pruneInterval)
	}
}

// empty reports whether the pool has no connection, no dial in progress and no queued request.
func (hp *hostPool) empty() bool {
	return hp.conns == 0 && hp.dialing == 0 && len(hp.waiting) == 0
}

// closeIdle closes every idle connection of the pool. Each one leaves the idle list now; the
// pool counts it until its close completes (upconn.OnClose).
func (hp *hostPool) closeIdle() {
	for i, uc := range hp.idle {
		hp.idle[i] = nil
		uc.idleTimer.Stop()
		if !uc.closed {
			uc.noReuse = true
			_ = uc.c.Close()
		}
	}
	hp.idle = hp.idle[:0]
}

// forgetIfDone drops the pool when its host was removed and it has no connection, no dial in
// progress and no queued request.
func (hp *hostPool) forgetIfDone() {
	if !hp.dropped && hp.empty() && hp.host.Removed() {
		hp.p.drop(hp)
	}
}

// drop removes hp from the loop's pools. Connections still open keep working with it (they
// close when released, as its host is removed); a later request to the host makes a new pool.
func (p *pools) drop(hp *hostPool) {
	if hp.dropped {
		return
	}
	hp.dropped = true
	if cur, _ := p.byHost.Get(hp.host); cur == hp {
		p.byHost.Delete(hp.host)
	}
	hp.gauge.Dec(p.loop.Index())
	hp.closeIdle()
	p.shared.forgetWaiting(hp)
	if p.byHost.Len() == 0 {
		p.prune.Stop()
	}
}
