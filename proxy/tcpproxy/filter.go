package tcpproxy

import (
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/stats"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// Observer is told when a downstream connection is served and when it is
// gone (listener statistics, drain accounting). Called on the loop.
type Observer interface {
	Opened(shard int)
	Closed(shard int, lifetime time.Duration)
}

// Deps are what a Filter needs from the server.
type Deps struct {
	Stats    *stats.Store
	Clusters *upstream.Manager
	Dialer   upstream.Dialer
	Logger   *slog.Logger
	// IsOwnAddress reports whether an address is one of Skiff's own
	// listeners on this host; ORIGINAL_DST connections to those are refused
	// (they would loop). May be nil.
	IsOwnAddress func(netip.AddrPort) bool
}

// Filter is one compiled tcp_proxy (one filter chain of one listener
// version). It is immutable and shared by the connections it serves.
type Filter struct {
	cfg   *config.TCPProxy
	stats *Stats
	deps  Deps
	limit int
}

// New compiles cfg. bufferLimit is the listener's
// per_connection_buffer_limit_bytes (the downstream side); the upstream side
// uses its cluster's.
func New(cfg *config.TCPProxy, bufferLimit uint32, d Deps) *Filter {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Filter{cfg: cfg, stats: NewStats(d.Stats, cfg.StatPrefix), deps: d, limit: int(max(bufferLimit, 16<<10))}
}

// Stats are the filter's statistics.
func (f *Filter) Stats() *Stats { return f.stats }

// NewConn returns the handler for a new downstream connection.
func (f *Filter) NewConn(obs Observer) engine.Handler {
	s := &session{f: f, obs: obs}
	s.down.s, s.up.s = s, s
	s.up.upstream = true
	return &s.down
}

// pickCluster chooses a cluster name among weighted_clusters.
func (f *Filter) pickCluster() string {
	if len(f.cfg.Clusters) == 1 {
		return f.cfg.Clusters[0].Name
	}
	return f.cfg.PickCluster(rand.Uint32N(max(f.cfg.TotalWeight, 1)))
}
