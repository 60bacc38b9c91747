// Package config loads Envoy v3 bootstrap files and translates Envoy v3 resources (listeners,
// clusters) into Skiff's immutable runtime description.
//
// Skiff has one configuration model, Envoy's v3 API. Translation happens in two steps:
//
//  1. A walker visits every populated field of a resource, unpacking google.protobuf.Any with the
//     global type registry, and checks it against an explicit allow-table (allow.go). A set field
//     that Skiff does not implement is an error naming its path, for example
//     `listener "in_8080": filter_chains[1].filters[0].typed_config.access_log: not supported`.
//  2. Ordinary Go on the typed structs validates values, applies Envoy's defaults and compiles the
//     result (for example the filter chain matcher of a listener).
//
// The same functions translate resources from a static bootstrap (Translate) and, one at a time,
// from xDS (TranslateListener, TranslateCluster). Everything they return is immutable: callers must
// not modify a Snapshot, Listener, Cluster or anything reachable from them, and may share them
// between goroutines freely.
package config
