// Package stats is Skiff's request statistics filter, for HTTP and Dubbo alike: per request it
// counts the response code class and records the request time, by route and cluster (HTTP) or by
// service, method and cluster (Dubbo). The connection manager already counts per cluster
// (cluster.<name>.upstream_rq_<code>, upstream_rq_time); this filter adds the finer split, named
// like Envoy's per-route statistics:
//
//	http.<prefix>.stats.<route>.<cluster>.upstream_rq_total
//	http.<prefix>.stats.<route>.<cluster>.upstream_rq_<N>xx   N = status / 100
//	http.<prefix>.stats.<route>.<cluster>.upstream_rq_reset   ended without a response
//	http.<prefix>.stats.<route>.<cluster>.upstream_rq_time    histogram, ms
//	dubbo.<prefix>.stats.<service>.<method>.<cluster>.upstream_rq_<N>xx ... N = Dubbo status / 10:
//	    2 OK, 3 timeout, 4 bad request, 5 bad response, 6 service not found, 7 service error,
//	    8 server error, 9 client error
//
// The status is the one sent downstream, local replies included (a 503 for no healthy upstream
// counts as 5xx).
//
// Route, cluster, service and method are tag segments, so on /stats/prometheus these are
// envoy_http_stats_upstream_rq_xx{envoy_http_conn_manager_prefix="p",envoy_route="r",
// envoy_cluster_name="c",envoy_response_code_class="2"} and so on (envoy_dubbo_service,
// envoy_dubbo_method for Dubbo). A route without a name is "unnamed"; a request answered before a
// cluster was chosen has cluster "none".
//
// Configuration: an empty TypedStruct with type_url type.skiff.dev/skiff.filters.stats.v1.Stats,
// as an HTTP filter or a Dubbo filter. Per-upstream-host statistics are not this filter's: they
// live with the hosts (proxy/upstream) and follow the runtime key skiff.stats.host_level.
package stats

import (
	"errors"
	"fmt"

	udpatypev1 "github.com/cncf/xds/go/udpa/type/v1"
	xdstypev3 "github.com/cncf/xds/go/xds/type/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/skiffmesh/skiff/filters"
)

// TypeName is the config type this filter is registered under: the message name of its
// TypedStruct type_url.
const TypeName = "skiff.filters.stats.v1.Stats"

// ErrNoSink means the connection manager cannot make the filter's tagged stats.
var ErrNoSink = errors.New("stats: the connection manager offers no tagged stats (filters/stats.Sink)")

// Build is the filters.Build of the stats filter. msg is the TypedStruct carrying the config (or
// nil); its value must be empty.
func Build(msg proto.Message, d filters.Deps) (filters.Factory, error) {
	if err := checkConfig(msg); err != nil {
		return nil, err
	}
	sink, ok := d.Stats.(Sink)
	if !ok {
		return nil, ErrNoSink
	}
	return newFactory(sink), nil
}

// checkConfig accepts no config or a TypedStruct with an empty value.
func checkConfig(msg proto.Message) error {
	var v *structpb.Struct
	switch m := msg.(type) {
	case nil:
		return nil
	case *xdstypev3.TypedStruct:
		v = m.GetValue()
	case *udpatypev1.TypedStruct:
		v = m.GetValue()
	default:
		return fmt.Errorf("stats: config is %T, want a TypedStruct", msg)
	}
	for k := range v.GetFields() {
		return fmt.Errorf("stats: unknown field %q (the filter takes no settings)", k)
	}
	return nil
}

// Register adds the stats filter to r.
func Register(r *filters.Registry) { r.Register(TypeName, Build) }
