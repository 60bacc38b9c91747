// Package dubbo is Envoy's envoy.filters.network.dubbo_proxy on Skiff's
// event loops: a Dubbo connection manager that routes each call of a
// consumer connection on its own and multiplexes the calls of many consumer
// connections over a few connections per provider host.
//
// A downstream connection frames requests with protocol/dubbo (many per read,
// partial frames stay buffered), decodes only the request head (service,
// version, method) and, when the route table or a filter needs them, the
// arguments and attachments. It runs the configured Dubbo filters (package
// filters), then the router: the route table (package dubboroute) picks a
// cluster and a metadata match, the cluster picks a host (subset load
// balancing), and the request goes out on one of the loop's connections to
// that host with a request ID the proxy assigns. The body bytes are
// forwarded untouched; only the 8-byte ID in the header is rewritten, on the
// way up and again on the way back.
//
// Heartbeats from consumers are answered locally. Idle provider connections
// are probed with heartbeats and closed when several go unanswered. Errors
// the proxy detects are answered with a Dubbo error response (a status and a
// message the Java and Go clients show); see reply.go for the statuses.
//
// Per loop and provider host there are up to ConnsPerHost connections
// (default 1), opened as calls need them. A call times out after its
// "timeout" attachment when the attachments were decoded, else after
// RequestTimeout (default 3 s). Provider connections silent for
// HeartbeatInterval (default 60 s) get a heartbeat and close after
// HeartbeatMisses (3) silent intervals. Frame bodies are limited to
// MaxBodySize (8 MiB). Each option is a Shared field and a runtime key
// (skiff.dubbo.upstream_connections_per_host, skiff.dubbo.request_timeout_ms,
// skiff.dubbo.heartbeat_interval_ms, skiff.dubbo.heartbeat_misses,
// skiff.dubbo.max_body_bytes), read when a Manager is built; the runtime key
// wins.
// Shared.Drain (called by the server's Shutdown) sends every consumer
// Dubbo's READONLY event and closes its connection once its calls are done.
//
// Statistics are Envoy's dubbo.<stat_prefix>.* (see Stats) and the
// cluster's upstream_rq_* and upstream_cx_*. Filters get tagged stats under
// dubbo.<stat_prefix>. (filters/stats.Sink), and each call, as their
// stream, tells them its route, cluster and the status sent to the consumer
// (filters/stats.Outcome), for the per service, method and cluster series
// of the stats filter.
//
// Memory per consumer connection is bounded: a frame by MaxBodySize, and
// reading pauses while more than the listener's buffer limit waits to be
// written to the consumer or to its provider connection, or is held in
// copies of its requests (see backpressure.go). Calls in flight are bounded
// by the cluster's max_requests, calls waiting for a connection by
// max_pending_requests.
//
// Everything a call causes (filters, its timeout, the provider connection)
// runs on the consumer connection's loop; nothing blocks a loop. On the
// steady-state path (a call routed on interface and method) nothing is
// allocated: calls are pooled per loop, the calls in flight on a provider
// connection live in a slot table indexed by the proxy's request IDs.
package dubbo
