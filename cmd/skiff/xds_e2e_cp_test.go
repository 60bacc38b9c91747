package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	resourcev3 "github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// xdsControlPlane is a go-control-plane ADS server on a loopback port with a snapshot cache in ADS
// mode, as docs/xds.md describes. It records the error_detail of every NACK it receives.
type xdsControlPlane struct {
	t      *testing.T
	node   string // the node ID snapshots are set for
	cache  cachev3.SnapshotCache
	port   uint32
	opened atomic.Int32 // streams opened (either protocol)

	mu    sync.Mutex
	nacks []string // error_detail messages, in arrival order
}

// startXDSControlPlane serves ADS on 127.0.0.1:0 for node until the test ends.
func startXDSControlPlane(t *testing.T, node string) *xdsControlPlane {
	t.Helper()
	cp := &xdsControlPlane{t: t, node: node, cache: cachev3.NewSnapshotCache(true, cachev3.IDHash{}, nil)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cp.port = uint32(ln.Addr().(*net.TCPAddr).Port)
	cb := serverv3.CallbackFuncs{
		StreamOpenFunc:      func(context.Context, int64, string) error { cp.opened.Add(1); return nil },
		DeltaStreamOpenFunc: func(context.Context, int64, string) error { cp.opened.Add(1); return nil },
		StreamRequestFunc: func(_ int64, r *discoverygrpc.DiscoveryRequest) error {
			cp.noteNack(r.GetErrorDetail().GetMessage())
			return nil
		},
		StreamDeltaRequestFunc: func(_ int64, r *discoverygrpc.DeltaDiscoveryRequest) error {
			cp.noteNack(r.GetErrorDetail().GetMessage())
			return nil
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	gs := grpc.NewServer()
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(gs, serverv3.NewServer(ctx, cp.cache, cb))
	done := make(chan struct{})
	go func() { defer close(done); _ = gs.Serve(ln) }()
	t.Cleanup(func() {
		cancel()
		gs.Stop()
		<-done
	})
	return cp
}

func (cp *xdsControlPlane) noteNack(msg string) {
	if msg == "" {
		return
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.nacks = append(cp.nacks, msg)
}

// nacked reports whether a NACK whose error_detail contains every one of subs has arrived.
func (cp *xdsControlPlane) nacked(subs ...string) bool {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, m := range cp.nacks {
		ok := true
		for _, s := range subs {
			ok = ok && strings.Contains(m, s)
		}
		if ok {
			return true
		}
	}
	return false
}

// nackMessages returns the error_details received so far.
func (cp *xdsControlPlane) nackMessages() []string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return append([]string(nil), cp.nacks...)
}

// xdsResources is the content of one snapshot.
type xdsResources struct {
	clusters, endpoints, listeners, routes []types.Resource
}

// set publishes rs under version. Every type is present (even empty), so that the cache answers
// the first request for each.
func (cp *xdsControlPlane) set(version string, rs xdsResources) {
	cp.t.Helper()
	snap, err := cachev3.NewSnapshot(version, map[resourcev3.Type][]types.Resource{
		resourcev3.ClusterType: rs.clusters, resourcev3.EndpointType: rs.endpoints,
		resourcev3.ListenerType: rs.listeners, resourcev3.RouteType: rs.routes,
	})
	if err != nil {
		cp.t.Fatal(err)
	}
	if err := cp.cache.SetSnapshot(context.Background(), cp.node, snap); err != nil {
		cp.t.Fatal(err)
	}
}

// xdsBackend serves HTTP on 127.0.0.1:0 until the test ends, answering every request with name,
// and returns its port.
func xdsBackend(t *testing.T, name string) uint32 {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, name) }),
		ReadHeaderTimeout: ioTimeout,
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close(); <-done })
	return uint32(ln.Addr().(*net.TCPAddr).Port)
}

// Resource builders.

// xdsADS is a config source that says "over the ADS stream".
func xdsADS() *corev3.ConfigSource {
	return &corev3.ConfigSource{
		ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}},
		ResourceApiVersion:    corev3.ApiVersion_V3,
	}
}

// xdsEDSCluster is an EDS cluster whose ClusterLoadAssignment is named like the cluster.
func xdsEDSCluster(name string) *clusterv3.Cluster {
	return &clusterv3.Cluster{
		Name:                 name,
		ConnectTimeout:       durationpb.New(time.Second),
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_EDS},
		EdsClusterConfig:     &clusterv3.Cluster_EdsClusterConfig{EdsConfig: xdsADS(), ServiceName: name},
	}
}

// xdsAssignment puts the given loopback ports in cluster name.
func xdsAssignment(name string, ports ...uint32) *endpointv3.ClusterLoadAssignment {
	loc := &endpointv3.LocalityLbEndpoints{}
	for _, p := range ports {
		loc.LbEndpoints = append(loc.LbEndpoints, &endpointv3.LbEndpoint{
			HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
				Address: xdsSocketAddress("127.0.0.1", p),
			}},
		})
	}
	return &endpointv3.ClusterLoadAssignment{ClusterName: name, Endpoints: []*endpointv3.LocalityLbEndpoints{loc}}
}

func xdsSocketAddress(host string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: host, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port},
	}}}
}

// xdsHTTPListener is a listener on 127.0.0.1:0 with an HTTP connection manager that reads route
// configuration rds over ADS.
func xdsHTTPListener(t *testing.T, name, rds string) *listenerv3.Listener {
	t.Helper()
	hcm := &hcmv3.HttpConnectionManager{
		StatPrefix: name,
		RouteSpecifier: &hcmv3.HttpConnectionManager_Rds{Rds: &hcmv3.Rds{
			ConfigSource: xdsADS(), RouteConfigName: rds,
		}},
		HttpFilters: []*hcmv3.HttpFilter{{
			Name:       "envoy.filters.http.router",
			ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: xdsAny(t, &routerv3.Router{})},
		}},
	}
	return &listenerv3.Listener{
		Name: name, Address: xdsSocketAddress("127.0.0.1", 0),
		FilterChains: []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{{
			Name:       "envoy.filters.network.http_connection_manager",
			ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: xdsAny(t, hcm)},
		}}}},
	}
}

// xdsRoutes is a route configuration sending path prefixes to clusters, in order:
// xdsRoutes("r", "/a", "c1", "/", "c2").
func xdsRoutes(name string, prefixCluster ...string) *routev3.RouteConfiguration {
	vh := &routev3.VirtualHost{Name: "all", Domains: []string{"*"}}
	for i := 0; i+1 < len(prefixCluster); i += 2 {
		vh.Routes = append(vh.Routes, &routev3.Route{
			Match: &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: prefixCluster[i]}},
			Action: &routev3.Route_Route{Route: &routev3.RouteAction{
				ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: prefixCluster[i+1]},
			}},
		})
	}
	return &routev3.RouteConfiguration{Name: name, VirtualHosts: []*routev3.VirtualHost{vh}}
}

func xdsAny(t *testing.T, m proto.Message) *anypb.Any {
	t.Helper()
	a, err := anypb.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
