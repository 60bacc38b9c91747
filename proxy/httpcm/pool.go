package httpcm

import (
	"time"

	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/stats"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// upstreamIdleTimeout closes a pooled connection nobody used for this long.
const upstreamIdleTimeout = 60 * time.Second

// poolsKey finds a loop's pools in engine.Loop.Local.
type poolsKey struct{ shared *Shared }

// pools are one loop's HTTP/1.1 connection pools, one per upstream host
// (Envoy's per-worker pools). Loop only.
type pools struct {
	loop   *engine.Loop
	shared *Shared
	byHost upstream.HostMap[*hostPool]
	cstats map[string]*clusterStats // loop-local cache of Shared.cluster
	enc    []byte                   // scratch buffer for encoding heads
	logBuf []byte                   // scratch buffer for access log lines
	prune  *engine.Timer            // sweeps removed hosts' pools (prune.go); idle while byHost is empty
}

func loopPools(l *engine.Loop, sh *Shared) *pools {
	return l.Local(poolsKey{sh}, func() any {
		return &pools{loop: l, shared: sh}
	}).(*pools)
}

// hostPool holds the idle keep-alive connections to one host and the
// requests waiting for a connection.
type hostPool struct {
	p       *pools
	cluster *upstream.Cluster
	host    *upstream.Host
	idle    []*upconn
	waiting []*stream
	dialing int // dials in progress
	conns   int // open connections, idle or busy
	gauge   *stats.Gauge
	dropped bool // no longer in p.byHost (prune.go)
}

// clusterStats returns a cluster's HTTP stats without taking the shared lock
// after the first request of the loop. Loop only.
func (p *pools) clusterStats(name string) *clusterStats {
	if cs, ok := p.cstats[name]; ok {
		return cs
	}
	if p.cstats == nil {
		p.cstats = map[string]*clusterStats{}
	}
	cs := p.shared.cluster(name)
	p.cstats[name] = cs
	return cs
}

func (p *pools) get(cl *upstream.Cluster, h *upstream.Host) *hostPool {
	hp, ok := p.byHost.Get(h)
	if !ok || hp.cluster != cl {
		if ok {
			p.drop(hp)
		}
		hp = p.add(cl, h)
	}
	return hp
}

// acquire gives st a connection now (true) or queues it until one is free
// (false). It returns an error reason when the request cannot be served:
// the pending-request breaker is open.
func (hp *hostPool) acquire(st *stream) (uc *upconn, queued bool, overflow bool) {
	for len(hp.idle) > 0 {
		uc := hp.idle[len(hp.idle)-1]
		hp.idle = hp.idle[:len(hp.idle)-1]
		if uc.usable() {
			uc.idleTimer.Stop()
			return uc, false, false
		}
	}
	if !hp.cluster.AcquirePending() {
		return nil, false, true
	}
	st.pending = true
	hp.waiting = append(hp.waiting, st)
	hp.dialIfRoom(st.shard())
	return nil, true, false
}

// dialIfRoom opens a connection when the max_connections breaker allows and
// fewer connections are on their way than requests wait.
func (hp *hostPool) dialIfRoom(shard int) {
	if hp.dialing >= len(hp.waiting) {
		return
	}
	if !hp.cluster.AcquireConnection(shard) {
		// At max_connections: wait for a connection of the cluster to close,
		// here or on another loop (Shared.connectionClosed wakes us).
		hp.p.shared.waitForConnection(hp)
		return
	}
	hp.dialing++
	uc := &upconn{hp: hp, dialAt: time.Now()}
	cfg := hp.cluster.Config()
	go uc.dial(hp.p.loop, hp.p.shared.Dialer, cfg.ConnectTimeout, cfg.SourceAddress)
}

// cancel removes a waiting stream (its downstream went away).
func (hp *hostPool) cancel(st *stream) {
	for i, w := range hp.waiting {
		if w == st {
			hp.waiting = append(hp.waiting[:i], hp.waiting[i+1:]...)
			st.pending = false
			hp.cluster.ReleasePending()
			return
		}
	}
}

// release returns a connection after a request: to the next waiting
// request, or to the idle list.
func (hp *hostPool) release(uc *upconn) {
	if len(hp.waiting) > 0 {
		st := hp.waiting[0]
		hp.waiting = hp.waiting[1:]
		st.pending = false
		hp.cluster.ReleasePending()
		st.attach(uc)
		return
	}
	if hp.dropped || hp.host.Removed() || hp.p.shared.anyWaiting.Load() > 0 && hp.p.shared.othersWaiting(hp) {
		// The host left its cluster (drain it), or another loop's requests
		// wait at max_connections (free the slot).
		uc.noReuse = true
		_ = uc.c.Close()
		return
	}
	hp.idle = append(hp.idle, uc)
	if uc.idleTimer == nil {
		uc.idleTimer = hp.p.loop.AfterFunc(upstreamIdleTimeout, uc.idleExpired)
	} else {
		uc.idleTimer.Reset(upstreamIdleTimeout)
	}
}

// connectFailed fails the oldest waiting request (it may retry elsewhere).
func (hp *hostPool) connectFailed(err error) {
	hp.dialing--
	hp.cluster.ReleaseConnection()
	if len(hp.waiting) == 0 {
		hp.forgetIfDone()
		return
	}
	st := hp.waiting[0]
	hp.waiting = hp.waiting[1:]
	st.pending = false
	hp.cluster.ReleasePending()
	st.connectFailed(err)
}

// gone forgets a closed connection, and the pool itself when its host was
// removed and nothing uses it any more.
func (hp *hostPool) gone(uc *upconn) {
	hp.conns--
	for i, x := range hp.idle {
		if x == uc {
			hp.idle = append(hp.idle[:i], hp.idle[i+1:]...)
			break
		}
	}
	if len(hp.waiting) > 0 {
		hp.dialIfRoom(hp.p.loop.Index())
		return
	}
	hp.forgetIfDone()
}
