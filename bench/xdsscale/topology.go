package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	resourcev3 "github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// topology is the configuration served: p.clusters EDS clusters of p.endpoints endpoints each.
// Cluster 0 is real: its endpoints are local HTTP servers answering "old", and the ones the
// update moves answer "new"; a listener routes to it, so the bench can see the new endpoints
// carry traffic. The other clusters' endpoints are addresses nobody dials.
type topology struct {
	p        params
	old, new []netip.AddrPort // cluster 0's endpoints before and after the update
	probe    netip.AddrPort   // where listener "probe" listens
}

// newTopology starts cluster 0's backends.
func newTopology(p params) (*topology, func(), error) {
	t := &topology{p: p}
	probe, err := freeAddr()
	if err != nil {
		return nil, nil, err
	}
	t.probe = netip.MustParseAddrPort(probe)
	var stops []func()
	stop := func() {
		for _, s := range stops {
			s()
		}
	}
	for _, gen := range []struct {
		body string
		n    int
		out  *[]netip.AddrPort
	}{{"old", p.endpoints, &t.old}, {"new", p.changedEndpoints, &t.new}} {
		hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, gen.body)
		})}
		stops = append(stops, func() { _ = hs.Close() })
		for range gen.n {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				stop()
				return nil, nil, err
			}
			*gen.out = append(*gen.out, ln.Addr().(*net.TCPAddr).AddrPort())
			go func() { _ = hs.Serve(ln) }()
		}
	}
	return t, stop, nil
}

// addr is endpoint e of cluster c in generation g: the update (g = 1) moves the first
// changedEndpoints endpoints of the first changedClusters clusters.
func (t *topology) addr(c, e, g int) netip.AddrPort {
	moved := g > 0 && c < t.p.changedClusters && e < t.p.changedEndpoints
	switch {
	case c == 0 && moved:
		return t.new[e]
	case c == 0:
		return t.old[e]
	}
	gen := 0
	if moved {
		gen = 1
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(gen), byte(c / 256), byte(c % 256)}), uint16(8080+e))
}

// snapshot builds generation g of the configuration.
func (t *topology) snapshot(version string, g int) (*cachev3.Snapshot, error) {
	var clusters, cla []types.Resource
	for c := range t.p.clusters {
		clusters = append(clusters, edsCluster(clusterName(c)))
		loc := &endpointv3.LocalityLbEndpoints{}
		for e := range t.p.endpoints {
			loc.LbEndpoints = append(loc.LbEndpoints, lbEndpoint(t.addr(c, e, g)))
		}
		cla = append(cla, &endpointv3.ClusterLoadAssignment{
			ClusterName: clusterName(c), Endpoints: []*endpointv3.LocalityLbEndpoints{loc},
		})
	}
	l, err := probeListener(t.probe)
	if err != nil {
		return nil, err
	}
	return cachev3.NewSnapshot(version, map[resourcev3.Type][]types.Resource{
		resourcev3.ClusterType: clusters, resourcev3.EndpointType: cla,
		resourcev3.ListenerType: {l}, resourcev3.RouteType: {},
	})
}

func clusterName(c int) string {
	return fmt.Sprintf("outbound|8080||svc-%04d.default.svc.cluster.local", c)
}

func edsCluster(name string) *clusterv3.Cluster {
	return &clusterv3.Cluster{
		Name: name, ConnectTimeout: durationpb.New(time.Second),
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_EDS},
		EdsClusterConfig: &clusterv3.Cluster_EdsClusterConfig{EdsConfig: &corev3.ConfigSource{
			ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}},
			ResourceApiVersion:    corev3.ApiVersion_V3,
		}},
	}
}

func lbEndpoint(ap netip.AddrPort) *endpointv3.LbEndpoint {
	return &endpointv3.LbEndpoint{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
		Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
			Address: ap.Addr().String(), PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: uint32(ap.Port())},
		}}},
	}}}
}

// probeListener is listener "probe" on addr, routing every request to cluster 0.
func probeListener(addr netip.AddrPort) (*listenerv3.Listener, error) {
	router, err := anypb.New(&routerv3.Router{})
	if err != nil {
		return nil, err
	}
	hcm, err := anypb.New(&hcmv3.HttpConnectionManager{
		StatPrefix: "probe",
		RouteSpecifier: &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: &routev3.RouteConfiguration{
			Name: "probe", VirtualHosts: []*routev3.VirtualHost{{
				Name: "all", Domains: []string{"*"},
				Routes: []*routev3.Route{{
					Match: &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}},
					Action: &routev3.Route_Route{Route: &routev3.RouteAction{
						ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: clusterName(0)},
					}},
				}},
			}},
		}},
		HttpFilters: []*hcmv3.HttpFilter{{
			Name: "envoy.filters.http.router", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: router},
		}},
	})
	if err != nil {
		return nil, err
	}
	return &listenerv3.Listener{
		Name: "probe",
		Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
			Address: addr.Addr().String(), PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: uint32(addr.Port())},
		}}},
		FilterChains: []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{{
			Name: "envoy.filters.network.http_connection_manager", ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: hcm},
		}}}},
	}, nil
}
