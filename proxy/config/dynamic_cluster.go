package config

import (
	"strconv"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	httpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	"google.golang.org/protobuf/proto"
)

// httpOptionsKey is the typed_extension_protocol_options key of the upstream HTTP options.
const httpOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

// protocolOptions checks a cluster's protocol options. HTTP/2 is declared the way Envoy users
// declare a gRPC cluster (typed_extension_protocol_options with explicit_http_config, or the older
// http2_protocol_options); Skiff only speaks it to the control plane, so a cluster from CDS
// (base "") must not ask for it, and Translate checks that static ones are the ADS cluster.
func protocolOptions(probs *problems, c *clusterv3.Cluster, base string) {
	for key := range c.GetTypedExtensionProtocolOptions() {
		if key != httpOptionsKey {
			probs.addf("typed_extension_protocol_options["+strconv.Quote(key)+"]", "%w", ErrUnsupported)
		}
	}
	if base == "" && http2Options(c) != nil {
		probs.addf("typed_extension_protocol_options", "HTTP/2 upstreams are %w", ErrUnsupported)
	}
	loadAssignmentHealth(probs, c)
}

// loadAssignmentHealth rejects health_status in load_assignment: the allow-table accepts it for
// EDS (eds.go), where Skiff honours it; static endpoints take no health status.
func loadAssignmentHealth(probs *problems, c *clusterv3.Cluster) {
	for i, loc := range c.GetLoadAssignment().GetEndpoints() {
		for j, lb := range loc.GetLbEndpoints() {
			if lb.GetHealthStatus() != corev3.HealthStatus_UNKNOWN {
				path := index(joinPath(index("load_assignment.endpoints", i), "lb_endpoints"), j)
				probs.addf(joinPath(path, "health_status"), "%w (only in EDS)", ErrUnsupported)
			}
		}
	}
}

// http2Options returns the HTTP/2 options a cluster declares, or nil.
func http2Options(c *clusterv3.Cluster) *corev3.Http2ProtocolOptions {
	if o := c.GetHttp2ProtocolOptions(); o != nil {
		return o
	}
	a, ok := c.GetTypedExtensionProtocolOptions()[httpOptionsKey]
	if !ok {
		return nil
	}
	var o httpv3.HttpProtocolOptions
	if err := proto.Unmarshal(a.GetValue(), &o); err != nil {
		return nil // the walker has reported it
	}
	return o.GetExplicitHttpConfig().GetHttp2ProtocolOptions()
}
