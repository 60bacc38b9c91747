// Package xds is Skiff's xDS client: one ADS stream to a control plane (istiod, a go-control-plane
// server, ...) over which it receives listeners (LDS), clusters (CDS), endpoints (EDS) and route
// configurations (RDS), in state-of-the-world or incremental (delta) form, as the bootstrap's
// dynamic_resources.ads_config.api_type says.
//
// The client subscribes to every listener and cluster (wildcard) and to the endpoints and route
// configurations that those reference, following them as they change. Every response is
// translated off the event loops (proxy/config, proxy/route) and either installed as a whole
// through a Target (ACK) or rejected as a whole with an error_detail naming the resource and the
// field (NACK), in which case the previous configuration keeps serving.
//
// It follows Envoy's warming rules: a new EDS cluster is installed once its endpoints arrive (or
// its initial_fetch_timeout passes), a listener once its route configurations have arrived. Its
// Initialized channel closes after the first complete configuration, which is when the proxy may
// report ready. When the stream breaks, the client keeps what it has, reconnects with exponential
// back-off and jitter and resubscribes with the versions it knows, so a control plane restart
// changes nothing in the data plane.
//
// One goroutine (Run) owns all state; the gRPC receive side and timers hand events to it.
package xds
