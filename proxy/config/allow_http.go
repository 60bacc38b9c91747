package config

import "google.golang.org/protobuf/reflect/protoreflect"

// The HTTP part of the allow-table: http_connection_manager and the HTTP
// filters Skiff implements. The route configuration is checked by
// proxy/route when it is compiled; a filter's config by the filter.
func init() {
	for name, fields := range map[string]map[string]rule{
		"envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager": {
			"codec_type": allow, "stat_prefix": allow, "route_config": separate, "http_filters": allow,
			"common_http_protocol_options": allow, "server_name": allow, "max_request_headers_kb": allow,
			"stream_idle_timeout": allow, "request_timeout": allow, "request_headers_timeout": allow,
			"use_remote_address": allow, "xff_num_trusted_hops": allow, "skip_xff_append": allow,
			"generate_request_id": allow, "preserve_external_request_id": allow,
			"always_set_request_id_in_response": allow, "access_log": allow, "upgrade_configs": allow,
			"normalize_path": allow, "merge_slashes": allow,
		},
		"envoy.config.core.v3.HttpProtocolOptions": {"idle_timeout": allow},
		"envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig": {
			"upgrade_type": allow, "enabled": allow,
		},
		"envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter": {
			"name": allow, "typed_config": allow,
		},
		"envoy.extensions.filters.http.router.v3.Router": {"suppress_envoy_headers": allow, "dynamic_stats": allow},
		"envoy.extensions.filters.http.fault.v3.HTTPFault": {
			"delay": allow, "abort": allow, "headers": separate, "downstream_nodes": allow,
			"max_active_faults": allow, "disable_downstream_cluster_stats": allow,
		},
		"envoy.extensions.filters.common.fault.v3.FaultDelay": {
			"fixed_delay": allow, "header_delay": allow, "percentage": allow,
		},
		"envoy.extensions.filters.common.fault.v3.FaultDelay.HeaderDelay": {},
		"envoy.extensions.filters.http.fault.v3.FaultAbort":               {"http_status": allow, "header_abort": allow, "percentage": allow},
		"envoy.extensions.filters.http.fault.v3.FaultAbort.HeaderAbort":   {},
		"envoy.config.accesslog.v3.AccessLog":                             {"name": allow, "typed_config": allow},
		"envoy.extensions.access_loggers.file.v3.FileAccessLog":           {"path": allow, "log_format": allow, "format": allow},
		"envoy.extensions.access_loggers.stream.v3.StdoutAccessLog":       {"log_format": allow},
		"envoy.extensions.access_loggers.stream.v3.StderrAccessLog":       {"log_format": allow},
		"envoy.config.core.v3.SubstitutionFormatString":                   {"text_format": allow, "text_format_source": allow},
		"envoy.config.core.v3.DataSource":                                 {"inline_string": allow},
		"envoy.type.v3.FractionalPercent":                                 {"numerator": allow, "denominator": allow},
	} {
		m := map[protoreflect.Name]rule{}
		for f, r := range fields {
			m[protoreflect.Name(f)] = r
		}
		allowedFields[protoreflect.FullName(name)] = m
	}
}
