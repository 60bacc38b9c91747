// Package dubboroute compiles the route configurations of Envoy's dubbo_proxy network filter
// (envoy.extensions.filters.network.dubbo_proxy.v3.RouteConfiguration) into an immutable route
// table: the table the Dubbo connection manager consults for every request. A new configuration
// compiles into a new Table that replaces the old one as a whole.
//
// Compile works like proxy/route, in two steps:
//
//  1. A walker visits every populated field and checks it against an explicit allow-table
//     (allow.go). A set field Skiff does not implement is an error naming its path, such as
//     `route_config[0].routes[2].route.metadata_match.typed_filter_metadata: not supported`.
//  2. Ordinary Go on the typed structs validates values and compiles matchers (regular
//     expressions once, exact interfaces into a map).
//
// # Semantics
//
// They follow Envoy's dubbo_proxy. A route configuration applies to a request when its interface
// matches (exact; `*` alone matches every interface; a leading or trailing `*` is a suffix or
// prefix wildcard that does not match the empty string), its group equals the request's "group"
// attachment (an empty group matches any request) and its version equals the request's version
// (an empty version matches any request). The route configurations that apply are tried in
// config order and, within each, its routes in order; the first route that matches wins (a route
// configuration whose routes all miss passes the request on to the next one, as in Envoy).
//
// A route matches on the method name (a StringMatcher), on argument values (params_match: an
// exact_match compares a string argument, or the decimal text of an integer or the text of a
// bool argument; a range_match takes an integer argument, or a string argument that parses as a
// decimal integer, in [start, end)) and on attachments (headers: HeaderMatchers whose names are
// attachment keys, compared case-sensitively).
//
// # Allocation
//
// Match does not allocate for routes that match on interface, group, version, method name and
// attachments with literal matchers; safe_regex matchers run Go's regexp, which may allocate a
// matching machine after a garbage collection. Reading arguments and attachments is up to the
// Request: decoding them allocates, which is why NeedsArguments and NeedsAttachments tell the
// caller whether to decode them at all.
package dubboroute
