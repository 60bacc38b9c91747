// Package matcher compiles and evaluates the Envoy v3 value matchers shared by Skiff's route
// tables: envoy.type.matcher.v3.StringMatcher (String), envoy.config.route.v3.HeaderMatcher
// (Header) and RE2 regular expressions, plus the ASCII case folding they use.
//
// Compilation records problems in a *fieldcheck.Problems under the path it is given, with the
// same messages in every table. Matching follows Envoy and does not allocate, except inside
// Go's regexp (see proxy/route's package documentation).
package matcher
