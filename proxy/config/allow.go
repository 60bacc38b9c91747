package config

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

// This file is the allow-table: the Envoy v3 messages and fields Skiff implements. The walker
// (walk.go) rejects every populated field that is not listed here. Extend it together with the
// translator when Skiff learns a new feature (HTTP, Dubbo, xDS, ...).
//
// The tables are read-only after package initialisation.

// rule says how the walker treats a populated field.
type rule = fieldcheck.Rule

const (
	// unsupported is the zero rule: the field is set but Skiff does not implement it.
	unsupported = fieldcheck.Unsupported
	// allow accepts the field; the walker checks its contents too.
	allow = fieldcheck.Allow
	// warn accepts the field without looking inside and records a warning that it is ignored.
	warn = fieldcheck.Warn
	// separate accepts the field; its contents are checked when the translator handles them on
	// their own (listeners and clusters of a bootstrap).
	separate = fieldcheck.Separate
)

// allowedWhole lists messages accepted with all their contents, because they are plain values
// (durations, wrappers, structs) or informational only (node, locality, metadata).
var allowedWhole = map[protoreflect.FullName]bool{
	"google.protobuf.Duration":      true,
	"google.protobuf.Struct":        true,
	"google.protobuf.Value":         true,
	"google.protobuf.ListValue":     true,
	"google.protobuf.BoolValue":     true,
	"google.protobuf.UInt32Value":   true,
	"google.protobuf.UInt64Value":   true,
	"google.protobuf.Int32Value":    true,
	"google.protobuf.Int64Value":    true,
	"google.protobuf.DoubleValue":   true,
	"google.protobuf.StringValue":   true,
	"envoy.config.core.v3.Node":     true,
	"envoy.config.core.v3.Locality": true,
	"envoy.config.core.v3.Metadata": true,
}

// allowedFields maps a message to the fields Skiff implements in it. A message listed with no
// fields is accepted only when empty.
var allowedFields = map[protoreflect.FullName]map[protoreflect.Name]rule{
	// Bootstrap.
	"envoy.config.bootstrap.v3.Bootstrap": {
		"node": allow, "admin": allow, "static_resources": allow, "layered_runtime": allow,
	},
	"envoy.config.bootstrap.v3.Bootstrap.StaticResources": {
		"listeners": separate, "clusters": separate,
	},
	"envoy.config.bootstrap.v3.Admin": {
		"address": allow, "access_log": warn, "access_log_path": warn, "profile_path": warn,
	},
	"envoy.config.bootstrap.v3.LayeredRuntime": {"layers": allow},
	"envoy.config.bootstrap.v3.RuntimeLayer": {
		"name": allow, "static_layer": allow, "admin_layer": allow,
	},
	"envoy.config.bootstrap.v3.RuntimeLayer.AdminLayer": {},

	// Addresses and sockets.
	"envoy.config.core.v3.Address": {"socket_address": allow},
	"envoy.config.core.v3.SocketAddress": {
		"protocol": allow, "address": allow, "port_value": allow,
	},
	"envoy.config.core.v3.SocketOption": {
		"description": allow, "level": allow, "name": allow, "int_value": allow,
	},
	"envoy.config.core.v3.CidrRange": {"address_prefix": allow, "prefix_len": allow},

	// Listener.
	"envoy.config.listener.v3.Listener": {
		"name": allow, "address": allow, "stat_prefix": allow, "filter_chains": allow,
		"default_filter_chain": allow, "per_connection_buffer_limit_bytes": allow,
		"transparent": allow, "freebind": allow, "socket_options": allow,
		"traffic_direction": allow, "bind_to_port": allow,
	},
	"envoy.config.listener.v3.FilterChain": {
		"name": allow, "filter_chain_match": allow, "filters": allow,
	},
	"envoy.config.listener.v3.FilterChainMatch": {
		"destination_port": allow, "prefix_ranges": allow,
		"source_prefix_ranges": allow, "source_ports": allow,
	},
	"envoy.config.listener.v3.Filter": {"name": allow, "typed_config": allow},

	// Network filter: tcp_proxy.
	"envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy": {
		"stat_prefix": allow, "cluster": allow, "weighted_clusters": allow,
		"idle_timeout": allow, "max_connect_attempts": allow,
	},
	"envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster": {"clusters": allow},
	"envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight": {
		"name": allow, "weight": allow,
	},

	// Cluster.
	"envoy.config.cluster.v3.Cluster": {
		"name": allow, "type": allow, "connect_timeout": allow, "lb_policy": allow,
		"least_request_lb_config": allow, "load_assignment": allow, "circuit_breakers": allow,
		"dns_refresh_rate": allow, "dns_lookup_family": allow,
		"per_connection_buffer_limit_bytes": allow, "common_lb_config": allow,
		"upstream_bind_config": allow, "cleanup_interval": allow, "lb_subset_config": allow,
	},
	"envoy.config.core.v3.BindConfig":                      {"source_address": allow},
	"envoy.config.cluster.v3.Cluster.LeastRequestLbConfig": {"choice_count": allow},
	"envoy.config.cluster.v3.Cluster.CommonLbConfig":       {},
	"envoy.config.cluster.v3.CircuitBreakers":              {"thresholds": allow},
	"envoy.config.cluster.v3.CircuitBreakers.Thresholds": {
		"priority": allow, "max_connections": allow, "max_pending_requests": allow,
		"max_requests": allow, "max_retries": allow,
	},
	"envoy.config.cluster.v3.Cluster.LbSubsetConfig": {
		"fallback_policy": allow, "default_subset": allow, "subset_selectors": allow,
	},
	"envoy.config.cluster.v3.Cluster.LbSubsetConfig.LbSubsetSelector": {
		"keys": allow, "fallback_policy": allow, "fallback_keys_subset": allow,
	},

	// Endpoints.
	"envoy.config.endpoint.v3.ClusterLoadAssignment": {"cluster_name": allow, "endpoints": allow},
	"envoy.config.endpoint.v3.LocalityLbEndpoints": {
		"locality": allow, "lb_endpoints": allow, "load_balancing_weight": allow, "priority": allow,
	},
	"envoy.config.endpoint.v3.LbEndpoint": {
		"endpoint": allow, "metadata": allow, "load_balancing_weight": allow,
	},
	"envoy.config.endpoint.v3.Endpoint": {"address": allow, "hostname": allow},
}
