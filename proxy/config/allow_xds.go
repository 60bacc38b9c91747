package config

import "google.golang.org/protobuf/reflect/protoreflect"

// The xDS part of the allow-table: dynamic_resources over ADS, EDS clusters, RDS in the
// http_connection_manager, the HTTP/2 options of the control plane's cluster and the EDS
// health status. Fields are added to messages other parts of the table also list.
func init() {
	for name, fields := range map[string]map[string]rule{
		"envoy.config.bootstrap.v3.Bootstrap": {"dynamic_resources": allow},
		"envoy.config.bootstrap.v3.Bootstrap.DynamicResources": {
			"lds_config": allow, "cds_config": allow, "ads_config": allow,
		},
		"envoy.config.core.v3.ApiConfigSource": {
			"api_type": allow, "transport_api_version": allow, "grpc_services": allow,
			"set_node_on_first_message_only": allow,
		},
		"envoy.config.core.v3.GrpcService":            {"envoy_grpc": allow, "google_grpc": allow},
		"envoy.config.core.v3.GrpcService.EnvoyGrpc":  {"cluster_name": allow},
		"envoy.config.core.v3.GrpcService.GoogleGrpc": {"target_uri": allow, "stat_prefix": allow},
		"envoy.config.core.v3.ConfigSource": {
			"ads": allow, "resource_api_version": allow, "initial_fetch_timeout": allow,
		},
		"envoy.config.core.v3.AggregatedConfigSource": {},

		"envoy.config.cluster.v3.Cluster": {
			"eds_cluster_config": allow, "typed_extension_protocol_options": allow,
			"http2_protocol_options": allow,
		},
		"envoy.config.cluster.v3.Cluster.EdsClusterConfig":                          {"eds_config": allow, "service_name": allow},
		"envoy.extensions.upstreams.http.v3.HttpProtocolOptions":                    {"explicit_http_config": allow},
		"envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig": {"http2_protocol_options": allow},
		"envoy.config.core.v3.Http2ProtocolOptions":                                 {"connection_keepalive": allow},
		"envoy.config.core.v3.KeepaliveSettings":                                    {"interval": allow, "timeout": allow},
		"envoy.config.endpoint.v3.LbEndpoint":                                       {"health_status": allow},

		"envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager": {"rds": allow},
		"envoy.extensions.filters.network.http_connection_manager.v3.Rds": {
			"config_source": allow, "route_config_name": allow,
		},
	} {
		m := allowedFields[protoreflect.FullName(name)]
		if m == nil {
			m = map[protoreflect.Name]rule{}
			allowedFields[protoreflect.FullName(name)] = m
		}
		for f, r := range fields {
			m[protoreflect.Name(f)] = r
		}
	}
}
