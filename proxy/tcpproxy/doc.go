// Package tcpproxy is Envoy's envoy.filters.network.tcp_proxy on Skiff's
// event loops: each downstream connection gets an upstream connection to a
// host of the configured cluster, dialled off-loop and enrolled on the
// downstream's loop, and bytes are forwarded both ways with bounded buffers,
// half-close and idle timeouts.
package tcpproxy
