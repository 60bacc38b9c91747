package config

import (
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// skiffExtensions are the type_urls of Skiff's own extensions that may appear in a TypedStruct.
// The walker leaves their value to the extension, which decodes it strictly when it is built.
var skiffExtensions = map[string]bool{
	"type.skiff.dev/skiff.filters.stats.v1.Stats": true, // filters/stats, an HTTP or Dubbo filter
}

// skiffExtension reports whether m is a TypedStruct carrying one of skiffExtensions.
func skiffExtension(m protoreflect.Message) bool {
	if !typedStructs[m.Descriptor().FullName()] {
		return false
	}
	return skiffExtensions[m.Get(m.Descriptor().Fields().ByName("type_url")).String()]
}

// plainLbEndpointMsg reports whether m is an lb_endpoints entry with nothing but an endpoint
// address (socket address and port), hostname and weight, all of which the allow-table accepts:
// the walker would find nothing to report, so it skips the entry instead of building a field path
// for each of its fields (hundreds of megabytes of garbage at 500,000 endpoints).
func plainLbEndpointMsg(m protoreflect.Message) bool {
	lb, ok := m.Interface().(*endpointv3.LbEndpoint)
	if !ok || !plainAllowed() {
		return false
	}
	ep := lb.GetEndpoint()
	sa := ep.GetAddress().GetSocketAddress()
	return sa != nil && onlyFields(m, "endpoint", "load_balancing_weight") &&
		onlyFields(ep.ProtoReflect(), "address", "hostname") &&
		onlyFields(ep.GetAddress().ProtoReflect(), "socket_address", "") &&
		onlyFields(sa.ProtoReflect(), "address", "port_value") &&
		len(lb.GetLoadBalancingWeight().ProtoReflect().GetUnknown()) == 0
}

// plainAllowed reports whether the allow-table accepts every field plainLbEndpointMsg lets through.
func plainAllowed() bool {
	for _, r := range [...]struct {
		msg    protoreflect.FullName
		fields [2]protoreflect.Name
	}{
		{"envoy.config.endpoint.v3.LbEndpoint", [2]protoreflect.Name{"endpoint", "load_balancing_weight"}},
		{"envoy.config.endpoint.v3.Endpoint", [2]protoreflect.Name{"address", "hostname"}},
		{"envoy.config.core.v3.Address", [2]protoreflect.Name{"socket_address", "socket_address"}},
		{"envoy.config.core.v3.SocketAddress", [2]protoreflect.Name{"address", "port_value"}},
	} {
		for _, f := range r.fields {
			if allowedFields[r.msg][f] != allow {
				return false
			}
		}
	}
	return allowedWhole["google.protobuf.UInt32Value"]
}
