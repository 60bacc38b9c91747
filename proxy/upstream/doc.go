// Package upstream holds the runtime side of clusters: their hosts, load
// balancers, circuit breakers, DNS resolution and the dialler that connects
// to a host. A [Manager] applies translated cluster configs (from the
// bootstrap or, later, from xDS) and keeps a cluster's runtime state and
// stats across config versions that do not change it.
//
// Concurrency: a cluster's host set is an immutable value swapped atomically;
// event loops pick hosts and update counters without locks (per-loop
// round-robin cursors, atomic gauges on hosts).
package upstream
