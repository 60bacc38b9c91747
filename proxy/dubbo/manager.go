package dubbo

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/dubboroute"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/stats"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// Defaults of the Shared options.
const (
	// DefaultConnsPerHost is how many connections each loop keeps to one
	// provider host; calls are multiplexed over them.
	DefaultConnsPerHost = 1
	// DefaultRequestTimeout bounds a call whose "timeout" attachment was not
	// decoded (or is absent). Dubbo consumers default to 1 s; the proxy is a
	// little more lenient so that the consumer's own timeout fires first.
	DefaultRequestTimeout = 3 * time.Second
	// DefaultHeartbeatInterval is how long a provider connection may stay
	// silent before the proxy sends a heartbeat (Dubbo's default).
	DefaultHeartbeatInterval = 60 * time.Second
	// DefaultHeartbeatMisses is how many heartbeat intervals in a row may
	// pass without a byte from the provider before its connection is closed.
	DefaultHeartbeatMisses = 3
)

// Observer is told when a downstream connection is served and when it is
// gone (listener statistics, drain accounting). Called on the loop.
type Observer interface {
	Opened(shard int)
	Closed(shard int, lifetime time.Duration)
}

// Shared is the state every Dubbo connection manager of a server shares:
// clusters, stats, the dialer, the filter registry, the per-loop connection
// pools and the options below. Set the fields before the first New and do
// not change them afterwards; the options are read by New (see settings.go
// for the runtime keys that override them).
type Shared struct {
	Stats    *stats.Store
	Clusters *upstream.Manager
	Dialer   upstream.Dialer
	Filters  *filters.Registry
	Logger   *slog.Logger
	// IsOwnAddress reports whether an address is one of Skiff's listeners
	// (ORIGINAL_DST loop guard); may be nil.
	IsOwnAddress func(netip.AddrPort) bool
	// Runtime looks up a runtime key (the server's layered runtime); may be
	// nil. New reads the Runtime* keys through it, which override the
	// options below. Any goroutine may call it.
	Runtime func(key string) (string, bool)

	// ConnsPerHost is the number of connections each loop opens to one
	// provider host (0 = DefaultConnsPerHost).
	ConnsPerHost int
	// RequestTimeout is the timeout of a call without a decoded "timeout"
	// attachment (0 = DefaultRequestTimeout).
	RequestTimeout time.Duration
	// HeartbeatInterval is the idle time after which a provider connection is
	// probed (0 = DefaultHeartbeatInterval).
	HeartbeatInterval time.Duration
	// HeartbeatMisses is how many silent intervals close a provider
	// connection (0 = DefaultHeartbeatMisses).
	HeartbeatMisses int
	// MaxBodySize is the largest frame body accepted from a consumer or a
	// provider (0 = dubbo.DefaultMaxBodySize, 8 MiB). A larger request is
	// answered with BAD_REQUEST and its connection closed; a larger
	// response fails the provider connection.
	MaxBodySize int

	mu       sync.Mutex
	loops    []*loopState
	clusters map[string]*clusterStats
	draining atomic.Bool
}

// cluster returns the request stats of a cluster. Any goroutine.
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

// Manager is one compiled dubbo_proxy (one filter chain of one listener
// version). It is immutable but for its route table.
type Manager struct {
	sh      *Shared
	set     settings
	stats   *Stats
	routes  atomic.Pointer[dubboroute.Table]
	filters []filters.Factory
	limit   int
}

// New compiles cfg: the route table and the Dubbo filters. A filter whose
// config type is not registered is an error. The options (connections per
// host, timeouts) are resolved now, from sh's runtime keys and fields: see
// the Runtime* keys. bufferLimit is the listener's
// per_connection_buffer_limit_bytes: reading from a consumer pauses while
// more than that waits to be sent to it (or to the provider it last used).
func New(cfg *config.DubboProxy, bufferLimit uint32, sh *Shared) (*Manager, error) {
	m := &Manager{
		sh: sh, set: sh.resolve(), stats: newStats(sh.Stats, cfg.StatPrefix),
		limit: int(max(bufferLimit, 32<<10)),
	}
	t, err := dubboroute.Compile(cfg.Routes)
	if err != nil {
		return nil, fmt.Errorf("route_config: %w", err)
	}
	m.routes.Store(t)
	fs, err := buildFilters(cfg, sh.Filters, counterMaker{m.stats.scope})
	if err != nil {
		return nil, err
	}
	m.filters = fs
	return m, nil
}

// buildFilters makes the factories of cfg's Dubbo filters from the registry;
// a type the registry does not have is an error.
func buildFilters(cfg *config.DubboProxy, reg *filters.Registry, stats filters.CounterMaker) ([]filters.Factory, error) {
	deps := filters.Deps{StatPrefix: cfg.StatPrefix, Stats: stats}
	var out []filters.Factory
	for i, f := range cfg.Filters {
		var build filters.Build
		ok := false
		if reg != nil {
			build, ok = reg.Lookup(f.TypeName)
		}
		if !ok {
			return nil, fmt.Errorf("dubbo_filters[%d] (%s): %s %w", i, f.Name, f.TypeName, config.ErrUnsupported)
		}
		fac, err := build(f.Config, deps)
		if err != nil {
			return nil, fmt.Errorf("dubbo_filters[%d] (%s): %w", i, f.Name, err)
		}
		out = append(out, fac)
	}
	return out, nil
}

// SetRoutes swaps the route table; the next call uses it.
func (m *Manager) SetRoutes(t *dubboroute.Table) { m.routes.Store(t) }

// Stats are the manager's dubbo.<stat_prefix>.* statistics.
func (m *Manager) Stats() *Stats { return m.stats }

// NewConn returns the handler for a new downstream connection.
func (m *Manager) NewConn(obs Observer) engine.Handler {
	return &dconn{m: m, obs: obs}
}

// counterMaker gives filters counters under the manager's scope.
type counterMaker struct{ sc *stats.Scope }

func (c counterMaker) Counter(name string) filters.Counter { return c.sc.Counter(name) }
func (c counterMaker) Gauge(name string) filters.Gauge     { return c.sc.Gauge(name) }
