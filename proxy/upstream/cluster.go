package upstream

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/skiffmesh/skiff/proxy/config"
)

// Cluster is the runtime state of one cluster config version. Sessions keep
// the *Cluster they picked from, so a replaced cluster stays valid for them.
type Cluster struct {
	cfg   *config.Cluster
	Stats *ClusterStats

	hosts        atomic.Pointer[hostSet]
	cursors      []cursor
	sharedCursor atomic.Uint64
	activeCx     atomic.Int64
	breakers     requestBreakers

	odst      *originalDst // ORIGINAL_DST clusters only
	hostStats *atomic.Bool // the manager's switch
	ready     chan struct{}
	readyOnce sync.Once
	cancel    context.CancelFunc
	retired   atomic.Bool // stopped: every host, even one added late, is Removed [prune]
}

func newCluster(cfg *config.Cluster, st *ClusterStats, loops int, hostStats *atomic.Bool) *Cluster {
	c := &Cluster{
		cfg:       cfg,
		Stats:     st,
		cursors:   make([]cursor, loops),
		hostStats: hostStats,
		ready:     make(chan struct{}),
	}
	c.hosts.Store(newHostSet(nil))
	return c
}

// Name is the cluster's name.
func (c *Cluster) Name() string { return c.cfg.Name }

// Config is the translated config this runtime was built from.
func (c *Cluster) Config() *config.Cluster { return c.cfg }

// Hosts returns the current hosts (all priorities). Do not modify.
func (c *Cluster) Hosts() []*Host { return c.hosts.Load().all }

// Ready is closed once the cluster has its first host set (immediately for
// STATIC, after the first resolution for STRICT_DNS).
func (c *Cluster) Ready() <-chan struct{} { return c.ready }

// ActiveConnections is the number of open upstream connections of the cluster.
func (c *Cluster) ActiveConnections() int64 { return c.activeCx.Load() }

// AcquireConnection reserves a connection slot under the max_connections
// circuit breaker. It reports false (and counts upstream_cx_overflow) when
// the breaker is open. A true result must be paired with ReleaseConnection.
func (c *Cluster) AcquireConnection(shard int) bool {
	limit := int64(c.cfg.Thresholds.MaxConnections)
	if n := c.activeCx.Add(1); n > limit {
		c.activeCx.Add(-1)
		c.Stats.CxOverflow.Inc(shard)
		return false
	} else if n == limit {
		c.Stats.CxOpen.Set(1)
	}
	return true
}

// ReleaseConnection returns a slot taken with AcquireConnection.
func (c *Cluster) ReleaseConnection() {
	if c.activeCx.Add(-1) < int64(c.cfg.Thresholds.MaxConnections) {
		c.Stats.CxOpen.Set(0)
	}
}

// setHosts installs a new host set, keeping the Host objects of addresses
// that stay (their gauges and connections carry on).
func (c *Cluster) setHosts(hosts []*Host) {
	on := c.hostStats.Load()
	for _, h := range hosts {
		h.setStats(on)
	}
	hs := newHostSet(hosts)
	if c.cfg.Subset != nil {
		c.subsetsOf(hs) // built here, off the event loops, rather than on the first request
	}
	prev := c.hosts.Load().all
	c.hosts.Store(hs)
	markGone(prev, hosts, c.retired.Load()) // [prune: removed hosts]
	c.Stats.MembershipTotal.Set(int64(len(hs.all)))
	c.Stats.MembershipActive.Set(int64(len(hs.all)))
	c.readyOnce.Do(func() { close(c.ready) })
}

// stop ends the cluster's background work and marks every host Removed (the cluster was removed
// or replaced, or the manager stops), so connection pools drain them.
func (c *Cluster) stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.retire() // [prune: removed hosts]
}

// retire marks every host of a stopped cluster Removed. A cluster is retired once; an
// ORIGINAL_DST host created afterwards is marked when it is created (PickFor).
func (c *Cluster) retire() {
	c.retired.Store(true)
	if o := c.odst; o != nil {
		o.mu.Lock()
		defer o.mu.Unlock()
	}
	for _, h := range c.Hosts() {
		h.markRemoved()
	}
}
