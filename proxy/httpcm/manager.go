package httpcm

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/proxy/accesslog"
	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/route"
	"github.com/skiffmesh/skiff/proxy/stats"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// Observer is told when a downstream connection is served and when it is
// gone (listener statistics, drain accounting). Called on the loop.
type Observer interface {
	Opened(shard int)
	Closed(shard int, lifetime time.Duration)
}

// Shared is the state every HTTP connection manager of a server shares:
// where clusters and stats live, how to dial, and the per-cluster HTTP
// stats. Make one per server with NewShared.
type Shared struct {
	Stats    *stats.Store
	Clusters *upstream.Manager
	Dialer   upstream.Dialer
	Filters  *filters.Registry
	Logger   *slog.Logger
	// IsOwnAddress reports whether an address is one of Skiff's listeners
	// (ORIGINAL_DST loop guard); may be nil.
	IsOwnAddress func(netip.AddrPort) bool
	// OpenLogs opens the access log files (false when only validating).
	OpenLogs bool

	mu       sync.Mutex
	clusters map[string]*clusterStats
	logs     map[string]*accesslog.Logger
	waiting  map[*upstream.Cluster]map[*hostPool]bool
	// anyWaiting counts the entries of waiting, read without the lock.
	anyWaiting atomic.Int32
}

// cluster returns the HTTP stats of a cluster. Any goroutine.
func (sh *Shared) cluster(name string) *clusterStats {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.clusters == nil {
		sh.clusters = map[string]*clusterStats{}
	}
	cs, ok := sh.clusters[name]
	if !ok {
		cs = newClusterStats(sh.Stats, name)
		sh.clusters[name] = cs
	}
	return cs
}

// Manager is one compiled http_connection_manager (one filter chain of one
// listener version). It is immutable but for its route table, which RDS
// may swap.
type Manager struct {
	cfg     *config.HTTPConnectionManager
	sh      *Shared
	stats   *Stats
	routes  atomic.Pointer[route.Table]
	filters []filters.Factory
	logs    []logSink
	limit   int
	maxHead int
}

// New compiles cfg: the route table and the HTTP filters. bufferLimit is the
// listener's per_connection_buffer_limit_bytes.
func New(cfg *config.HTTPConnectionManager, bufferLimit uint32, sh *Shared) (*Manager, error) {
	m := &Manager{
		cfg: cfg, sh: sh, stats: newStats(sh.Stats, cfg.StatPrefix),
		limit: int(max(bufferLimit, 16<<10)), maxHead: int(cfg.MaxRequestHeadersKB) << 10,
	}
	t, err := route.Compile(cfg.RouteConfig)
	if err != nil {
		return nil, fmt.Errorf("route_config: %w", err)
	}
	m.routes.Store(t)
	for i, a := range cfg.AccessLogs {
		format := a.Format
		if format == "" {
			format = accesslog.DefaultFormat
		}
		f, err := accesslog.Compile(format)
		if err != nil {
			return nil, fmt.Errorf("access_log[%d]: %w", i, err)
		}
		if sh.OpenLogs {
			l, err := sh.openLog(a.Path)
			if err != nil {
				return nil, fmt.Errorf("access_log[%d]: %w", i, err)
			}
			m.logs = append(m.logs, logSink{format: f, logger: l})
		}
	}
	deps := filters.Deps{StatPrefix: cfg.StatPrefix, Stats: counterMaker{m.stats.scope}}
	for i, f := range cfg.Filters {
		build, ok := sh.Filters.Lookup(f.TypeName)
		if !ok {
			return nil, fmt.Errorf("http_filters[%d] (%s): %s %w", i, f.Name, f.TypeName, config.ErrUnsupported)
		}
		fac, err := build(f.Config, deps)
		if err != nil {
			return nil, fmt.Errorf("http_filters[%d] (%s): %w", i, f.Name, err)
		}
		m.filters = append(m.filters, fac)
	}
	return m, nil
}

// SetRoutes swaps the route table (RDS); the next request uses it.
func (m *Manager) SetRoutes(t *route.Table) { m.routes.Store(t) }

// Stats are the manager's http.<stat_prefix>.* statistics.
func (m *Manager) Stats() *Stats { return m.stats }

// NewConn returns the handler for a new downstream connection.
func (m *Manager) NewConn(obs Observer) engine.Handler {
	return &dconn{m: m, obs: obs}
}

// counterMaker gives filters counters under the manager's scope.
type counterMaker struct{ sc *stats.Scope }

func (c counterMaker) Counter(name string) filters.Counter { return c.sc.Counter(name) }
func (c counterMaker) Gauge(name string) filters.Gauge     { return c.sc.Gauge(name) }
