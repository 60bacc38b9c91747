package xds

import (
	"log/slog"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/grpc"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/route"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// Default reconnect back-off: from 500ms, doubling, up to 30s, each wait drawn at random from
// [half, all] of the current step.
const (
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultBackoffMax  = 30 * time.Second
)

// Target is where the client installs what it accepts; *server.Dynamic implements it. The client
// calls it from its own goroutine, one call at a time.
type Target interface {
	// ApplyClusters makes cs the complete set of dynamic clusters. Unchanged clusters are passed
	// as the same pointers as before.
	ApplyClusters(cs []*config.Cluster) error
	// SetEndpoints installs the endpoints of an installed EDS cluster.
	SetEndpoints(cluster string, eps []config.Endpoint) error
	// ApplyListeners makes ls the complete set of dynamic listeners. Unchanged listeners are
	// passed as the same pointers as before.
	ApplyListeners(ls []*config.Listener) error
	// ValidateListener reports what ApplyListeners would reject about l's own config.
	ValidateListener(l *config.Listener) error
	// SetRoutes installs route configuration name, compiled as t.
	SetRoutes(name string, rc *routev3.RouteConfiguration, t *route.Table) error
	// RemoveRoutes forgets route configuration name.
	RemoveRoutes(name string)
}

// Options configure a Client.
type Options struct {
	// Config is the bootstrap's translated dynamic_resources; required.
	Config *config.DynamicConfig
	// Node identifies this proxy to the control plane (bootstrap node).
	Node *corev3.Node
	// Target receives the resources; required.
	Target Target
	// StaticClusters and StaticListeners are the names the bootstrap already uses: a dynamic
	// resource with one of them is rejected.
	StaticClusters, StaticListeners []string
	// Stats receives the client's statistics; nil = a private store.
	Stats *stats.Store
	// Logger; nil = slog.Default().
	Logger *slog.Logger
	// BackoffBase and BackoffMax bound the reconnect back-off (defaults 500ms and 30s).
	BackoffBase, BackoffMax time.Duration
	// DialOptions are added to the client's own (insecure transport, keepalive).
	DialOptions []grpc.DialOption
}
