// Package httpcm is Envoy's envoy.filters.network.http_connection_manager
// for HTTP/1.1 on Skiff's event loops.
//
// A downstream connection parses one request head at a time (pipelined
// requests wait in the connection's buffer, so responses stay in order),
// runs the configured HTTP filters (package filters), then the router: it
// matches the route table (package route), picks a cluster and a host, and
// sends the request on a keep-alive connection from the loop's pool for that
// host. Heads are copied out of gnet's buffer once (they are small); bodies
// are forwarded as they arrive, with their framing untouched.
//
// Everything a request causes (filters, timers, the upstream connection)
// runs on the downstream connection's loop.
package httpcm
