package config

import "google.golang.org/protobuf/reflect/protoreflect"

// The Istio part of the allow-table: the listener and filter chain fields of Istio's sidecar
// listeners (istio.go), added to the messages allow.go lists and the listener filter messages.
func init() {
	for name, fields := range map[string]map[string]rule{
		"envoy.config.listener.v3.Listener": {
			"use_original_dst": allow, "listener_filters": allow, "listener_filters_timeout": allow,
			"continue_on_listener_filters_timeout": allow, "access_log": warn,
		},
		"envoy.config.listener.v3.FilterChain": {
			"transport_socket": separate, "metadata": allow,
		},
		"envoy.config.listener.v3.FilterChainMatch": {
			"transport_protocol": allow, "application_protocols": allow, "server_names": allow,
		},
		"envoy.config.cluster.v3.Cluster": {"metadata": allow},
	} {
		for f, r := range fields {
			allowedFields[protoreflect.FullName(name)][protoreflect.Name(f)] = r
		}
	}
	for name, fields := range map[string]map[string]rule{
		"envoy.config.listener.v3.ListenerFilter": {
			"name": allow, "typed_config": allow, "filter_disabled": allow,
		},
		"envoy.config.listener.v3.ListenerFilterChainMatchPredicate": {
			"or_match": allow, "and_match": allow, "not_match": allow, "any_match": allow,
			"destination_port_range": allow,
		},
		"envoy.config.listener.v3.ListenerFilterChainMatchPredicate.MatchSet": {"rules": allow},
		"envoy.type.v3.Int32Range":                                          {"start": allow, "end": allow},
		"envoy.extensions.filters.listener.original_dst.v3.OriginalDst":     {},
		"envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector":   {},
		"envoy.extensions.filters.listener.http_inspector.v3.HttpInspector": {},
	} {
		m := map[protoreflect.Name]rule{}
		for f, r := range fields {
			m[protoreflect.Name(f)] = r
		}
		allowedFields[protoreflect.FullName(name)] = m
	}
}
