package config

import "google.golang.org/protobuf/reflect/protoreflect"

// The Dubbo part of the allow-table: dubbo_proxy. Its route configurations are checked by
// proxy/dubboroute (translateDubbo calls dubboroute.Check); a Dubbo filter's config by the
// filter when the connection manager builds it. drds is not listed: it is rejected.
func init() {
	const pkg = "envoy.extensions.filters.network.dubbo_proxy.v3."
	for name, fields := range map[string]map[string]rule{
		pkg + "DubboProxy": {
			"stat_prefix": allow, "protocol_type": allow, "serialization_type": allow,
			"route_config": separate, "multiple_route_config": allow, "dubbo_filters": allow,
		},
		pkg + "MultipleRouteConfiguration": {"name": allow, "route_config": separate},
		pkg + "DubboFilter":                {"name": allow, "config": separate},
	} {
		m := map[protoreflect.Name]rule{}
		for f, r := range fields {
			m[protoreflect.Name(f)] = r
		}
		allowedFields[protoreflect.FullName(name)] = m
	}
}
