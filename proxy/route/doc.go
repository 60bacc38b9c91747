// Package route compiles an Envoy v3 RouteConfiguration into an immutable route table: the
// virtual hosts and routes the HTTP connection manager consults for every request. A Table is a
// value of its own, so a new configuration (from a bootstrap or, later, RDS) compiles into a new
// Table that replaces the old one atomically.
//
// Compile works like proxy/config's translator, in two steps:
//
//  1. A walker visits every populated field and checks it against an explicit allow-table
//     (allow.go). A set field Skiff does not implement is an error naming its path, for example
//     `route_config "local": virtual_hosts[0].routes[2].route.hash_policy: not supported`.
//  2. Ordinary Go on the typed structs validates values, applies Envoy's defaults and compiles
//     matchers (regular expressions once, domains into maps) and header mutations.
//
// # Semantics
//
// Everything follows Envoy: virtual hosts are selected by exact domain, then the longest suffix
// wildcard, then the longest prefix wildcard, then `*`, case-insensitively, with the port part of
// the host (unless ignore_port_in_host_matching); routes are tried in order and the first match
// wins; safe_regex is a full match; header matchers see a multi-valued header as its values joined
// with ","; header mutations apply route, virtual host, then route configuration (reversed by
// most_specific_header_mutations_wins). Header values must be literals: Envoy's %COMMAND%
// substitutions are not supported ("%%" is a literal '%').
//
// # Allocation
//
// Match does not allocate for exact, prefix, path, path_separated_prefix, header and query
// parameter matching and for exact and wildcard domains (host names longer than 256 bytes with
// upper-case letters are lowered on the heap). safe_regex matchers run Go's regexp (RE2 syntax),
// whose Match on a []byte does not allocate in the steady state: each Regexp caches its matching
// machines in a sync.Pool, so the first match after a garbage collection may allocate one. The
// benchmarks in this package measure it (BenchmarkMatch/regex).
//
// The Request interface is how routing reads a request; the connection manager implements it
// over its parsed head without copying.
package route
