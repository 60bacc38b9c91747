package upstream

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// Resolver looks up host names for STRICT_DNS clusters. *net.Resolver
// satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ManagerOptions configure a Manager.
type ManagerOptions struct {
	Stats    *stats.Store
	Loops    int // number of event loops (per-loop LB cursors)
	Logger   *slog.Logger
	Resolver Resolver // nil means net.DefaultResolver
	// HostStats turns per-host statistics on from the start.
	HostStats bool
}

// Manager owns the runtime clusters. Get is lock-free; Apply and the host
// stats switch serialise on a mutex.
type Manager struct {
	opts      ManagerOptions
	log       *slog.Logger
	hostStats atomic.Bool

	mu       sync.Mutex
	clusters atomic.Pointer[map[string]*Cluster]
	stats    map[string]*ClusterStats     // kept across versions of a cluster
	held     map[*config.Cluster]*Cluster // configs of the last Apply and their runtimes (hostset.go)
}

// NewManager makes an empty manager.
func NewManager(opts ManagerOptions) *Manager {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	m := &Manager{opts: opts, log: opts.Logger, stats: map[string]*ClusterStats{}}
	m.hostStats.Store(opts.HostStats)
	empty := map[string]*Cluster{}
	m.clusters.Store(&empty)
	if opts.Stats != nil {
		opts.Stats.AddSource(hostSource{m}) // per-host series on /stats/prometheus
	}
	return m
}

// Get returns the cluster named name, or nil. Any goroutine.
func (m *Manager) Get(name string) *Cluster { return (*m.clusters.Load())[name] }

// All returns the clusters sorted by name.
func (m *Manager) All() []*Cluster {
	cur := *m.clusters.Load()
	out := make([]*Cluster, 0, len(cur))
	for _, c := range cur {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Apply makes cfgs the complete set of clusters. A cluster whose source is
// unchanged keeps its runtime state; a changed one gets a new runtime (in
// flight sessions keep the old one); a removed one stops resolving and its
// stats are released.
func (m *Manager) Apply(cfgs []*config.Cluster) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.clusters.Load()
	next := make(map[string]*Cluster, len(cfgs))
	held := make(map[*config.Cluster]*Cluster, len(cfgs))
	for _, cfg := range cfgs {
		if c, ok := old[cfg.Name]; ok && m.unchanged(c, cfg) {
			next[cfg.Name] = c
			held[cfg] = c
			cfg.ReleaseEndpoints() // the hosts hold them
			continue
		}
		next[cfg.Name] = m.start(cfg)
		held[cfg] = next[cfg.Name]
	}
	m.held = held
	for name, c := range old {
		if next[name] != c {
			c.stop()
		}
		if _, ok := next[name]; !ok {
			m.stats[name].scope.Release()
			delete(m.stats, name)
		}
	}
	m.clusters.Store(&next)
}

func (m *Manager) start(cfg *config.Cluster) *Cluster {
	st, ok := m.stats[cfg.Name]
	if !ok {
		st = newClusterStats(m.opts.Stats, cfg.Name)
		m.stats[cfg.Name] = st
	}
	c := newCluster(cfg, st, m.opts.Loops, &m.hostStats)
	switch cfg.Type {
	case config.StrictDNS:
		ctx, cancel := context.WithCancel(context.Background())
		c.cancel = cancel
		go m.resolveLoop(ctx, c)
	case config.OriginalDst:
		c.odst = &originalDst{byAddr: map[netip.AddrPort]*Host{}, used: map[*Host]bool{}}
		c.readyOnce.Do(func() { close(c.ready) })
		ctx, cancel := context.WithCancel(context.Background())
		c.cancel = cancel
		go c.cleanupLoop(ctx, cfg.CleanupInterval)
	default:
		c.setHosts(staticHosts(cfg))
		cfg.ReleaseEndpoints() // kept once, as hosts
	}
	return c
}

// WaitReady waits until every cluster has its first host set or ctx ends.
func (m *Manager) WaitReady(ctx context.Context) error {
	for _, c := range *m.clusters.Load() {
		select {
		case <-c.ready:
		case <-ctx.Done():
			return fmt.Errorf("upstream: cluster %q not initialised: %w", c.Name(), ctx.Err())
		}
	}
	return nil
}

// SetHostStats switches per-host statistics on or off for every host, now
// and for hosts added later. Off frees the counters.
func (m *Manager) SetHostStats(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hostStats.Store(on)
	for _, c := range *m.clusters.Load() {
		if c.odst != nil {
			c.odst.mu.Lock()
		}
		for _, h := range c.Hosts() {
			h.setStats(on)
		}
		if c.odst != nil {
			c.odst.mu.Unlock()
		}
	}
}

// HostStats reports whether per-host statistics are on.
func (m *Manager) HostStats() bool { return m.hostStats.Load() }

// Stop stops every cluster's background work.
func (m *Manager) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range *m.clusters.Load() {
		c.stop()
	}
}

// staticHosts builds one host per endpoint of cfg, in config order. Each host is allocated on its
// own (48 bytes, a size class of its own): hosts outlive the set they came in when an EDS update
// keeps them (SetEndpoints), and a shared block would keep every host of an old set alive.
func staticHosts(cfg *config.Cluster) []*Host {
	hosts := make([]*Host, 0, len(cfg.Endpoints))
	var b hostBuilder
	for _, ep := range cfg.Endpoints {
		ip, err := netip.ParseAddr(ep.Address)
		if err != nil {
			continue // the translator only lets IP literals through for STATIC
		}
		hosts = append(hosts, b.host(netip.AddrPortFrom(ip, uint16(ep.Port)), ep.Hostname, ep.Weight, ep.Priority, ep.Metadata))
	}
	return hosts
}

// resolveLoop resolves a STRICT_DNS cluster's endpoints every
// dns_refresh_rate until ctx ends.
func (m *Manager) resolveLoop(ctx context.Context, c *Cluster) {
	rate := c.cfg.DNSRefreshRate
	if rate <= 0 {
		rate = 5 * time.Second
	}
	for {
		m.resolveOnce(ctx, c)
		select {
		case <-ctx.Done():
			return
		case <-time.After(rate):
		}
	}
}
