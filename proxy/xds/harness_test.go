package xds_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
	tcpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	resourcev3 "github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/route"
	"github.com/skiffmesh/skiff/proxy/server"
	"github.com/skiffmesh/skiff/proxy/xds"
)

const nodeID = "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local"

// controlPlane is a go-control-plane ADS server on loopback with a snapshot cache.
type controlPlane struct {
	t     *testing.T
	cache cachev3.SnapshotCache
	addr  string
	gs    *grpc.Server

	mu     sync.Mutex
	nacks  []string // error_detail messages received
	opened atomic.Int32
}

func newControlPlane(t *testing.T) *controlPlane {
	cp := &controlPlane{t: t, cache: cachev3.NewSnapshotCache(true, cachev3.IDHash{}, nil)}
	cp.start("127.0.0.1:0")
	t.Cleanup(cp.stop)
	return cp
}

// start serves on addr (the previous address on a restart).
func (cp *controlPlane) start(addr string) {
	var ln net.Listener
	var err error
	for range 50 { // the old socket may take a moment to go
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		cp.t.Fatal(err)
	}
	cp.addr = ln.Addr().String()
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
	srv := serverv3.NewServer(context.Background(), cp.cache, cb)
	cp.gs = grpc.NewServer()
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(cp.gs, srv)
	go func() { _ = cp.gs.Serve(ln) }()
}

func (cp *controlPlane) stop() { cp.gs.Stop() }

func (cp *controlPlane) restart() {
	cp.stop()
	cp.start(cp.addr)
}

func (cp *controlPlane) noteNack(msg string) {
	if msg == "" {
		return
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.nacks = append(cp.nacks, msg)
}

func (cp *controlPlane) nackMessages() []string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return append([]string(nil), cp.nacks...)
}

// set publishes a snapshot of resources under version.
func (cp *controlPlane) set(version string, rs resourcesSet) {
	cp.t.Helper()
	snap, err := cachev3.NewSnapshot(version, map[resourcev3.Type][]types.Resource{
		resourcev3.ClusterType: rs.clusters, resourcev3.EndpointType: rs.endpoints,
		resourcev3.ListenerType: rs.listeners, resourcev3.RouteType: rs.routes,
	})
	if err != nil {
		cp.t.Fatal(err)
	}
	if err := cp.cache.SetSnapshot(context.Background(), nodeID, snap); err != nil {
		cp.t.Fatal(err)
	}
}

type resourcesSet struct {
	clusters, endpoints, listeners, routes []types.Resource
}

// counting wraps the server's Dynamic and counts installs, to tell churn from no-ops.
type counting struct {
	*server.Dynamic
	clusters, listeners, endpoints, routes atomic.Int32
}

func (c *counting) ApplyClusters(cs []*config.Cluster) error {
	c.clusters.Add(1)
	return c.Dynamic.ApplyClusters(cs)
}

func (c *counting) ApplyListeners(ls []*config.Listener) error {
	c.listeners.Add(1)
	return c.Dynamic.ApplyListeners(ls)
}

func (c *counting) SetEndpoints(n string, eps []config.Endpoint) error {
	c.endpoints.Add(1)
	return c.Dynamic.SetEndpoints(n, eps)
}

func (c *counting) SetRoutes(n string, rc *routev3.RouteConfiguration, t *route.Table) error {
	c.routes.Add(1)
	return c.Dynamic.SetRoutes(n, rc, t)
}

// proxy is a Skiff server fed by an xDS client.
type proxy struct {
	srv    *server.Server
	client *xds.Client
	target *counting
}

func startProxy(t *testing.T, cp *controlPlane, delta bool, drain time.Duration) *proxy {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(server.Options{Loops: 2, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	dyn := srv.EnableDynamic(server.DynamicOptions{DrainTime: drain})
	if err := srv.Apply(&config.Snapshot{Version: config.StaticVersion}); err != nil {
		t.Fatal(err)
	}
	target := &counting{Dynamic: dyn}
	client, err := xds.New(xds.Options{
		Config: &config.DynamicConfig{
			Delta: delta, Target: cp.addr, ConnectTimeout: time.Second, LDS: true, CDS: true,
			LDSInitialFetchTimeout: 5 * time.Second, CDSInitialFetchTimeout: 5 * time.Second,
		},
		Node: &corev3.Node{Id: nodeID, Cluster: "app-1"}, Target: target, Stats: srv.Stats(),
		Logger: log, BackoffBase: 20 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	dyn.SetDump(client.Dump)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); client.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = srv.Shutdown(context.Background(), 0)
	})
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := dyn.WaitReady(wctx, client.Initialized()); err != nil {
		t.Fatal(err)
	}
	return &proxy{srv: srv, client: client, target: target}
}

// addr is the bound address of a listener.
func (p *proxy) addr(t *testing.T, listener string) string {
	t.Helper()
	a, ok := p.srv.ListenerAddrs()[listener]
	if !ok {
		t.Fatalf("no listener %q", listener)
	}
	return a.String()
}

// backend is an HTTP server answering its name; it also echoes TCP when used raw.
func backend(t *testing.T, name string) (host string, port uint32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, name)
	})}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	ap := ln.Addr().(*net.TCPAddr)
	return "127.0.0.1", uint32(ap.Port)
}

// echo is a TCP echo server.
func echo(t *testing.T) uint32 {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return uint32(ln.Addr().(*net.TCPAddr).Port)
}

// get sends GET path through c and returns the body.
func get(c *http.Client, addr, path string) (string, error) {
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return string(b), nil
}

// eventually retries cond until it holds or 5s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Resource builders.

func edsCluster(name string) *clusterv3.Cluster {
	return &clusterv3.Cluster{
		Name:                 name,
		ConnectTimeout:       durationpb.New(time.Second),
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_EDS},
		EdsClusterConfig: &clusterv3.Cluster_EdsClusterConfig{
			EdsConfig: adsSource(), ServiceName: name,
		},
	}
}

func adsSource() *corev3.ConfigSource {
	return &corev3.ConfigSource{
		ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}},
		ResourceApiVersion:    corev3.ApiVersion_V3,
	}
}

func assignment(name string, ports ...uint32) *endpointv3.ClusterLoadAssignment {
	la := &endpointv3.ClusterLoadAssignment{ClusterName: name}
	loc := &endpointv3.LocalityLbEndpoints{}
	for _, p := range ports {
		loc.LbEndpoints = append(loc.LbEndpoints, &endpointv3.LbEndpoint{
			HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
				Address: sockAddr("127.0.0.1", p),
			}},
		})
	}
	la.Endpoints = []*endpointv3.LocalityLbEndpoints{loc}
	return la
}

func sockAddr(host string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: host, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port},
	}}}
}

func mustAny(t *testing.T, m proto.Message) *anypb.Any {
	t.Helper()
	a, err := anypb.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func httpListener(t *testing.T, name, rds string) *listenerv3.Listener {
	hcm := &hcmv3.HttpConnectionManager{
		StatPrefix: name,
		RouteSpecifier: &hcmv3.HttpConnectionManager_Rds{Rds: &hcmv3.Rds{
			ConfigSource: adsSource(), RouteConfigName: rds,
		}},
		HttpFilters: []*hcmv3.HttpFilter{{
			Name: "envoy.filters.http.router", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(t, &routerv3.Router{})},
		}},
	}
	return listener(t, name, hcm)
}

func tcpListener(t *testing.T, name, cluster string) *listenerv3.Listener {
	return listener(t, name, &tcpv3.TcpProxy{
		StatPrefix: name, ClusterSpecifier: &tcpv3.TcpProxy_Cluster{Cluster: cluster},
	})
}

func listener(t *testing.T, name string, filter proto.Message) *listenerv3.Listener {
	return &listenerv3.Listener{
		Name: name, Address: sockAddr("127.0.0.1", 0),
		FilterChains: []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{{
			Name: "f", ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(t, filter)},
		}}}},
	}
}

// routes sends path prefixes to clusters: routes("r", "/a", "c1", "/", "c2").
func routes(name string, prefixCluster ...string) *routev3.RouteConfiguration {
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

// protocols runs a test for state of the world and for delta.
func protocols(t *testing.T, f func(t *testing.T, delta bool)) {
	for _, delta := range []bool{false, true} {
		name := "sotw"
		if delta {
			name = "delta"
		}
		t.Run(name, func(t *testing.T) { f(t, delta) })
	}
}

func containsAny(msgs []string, subs ...string) bool {
	for _, m := range msgs {
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
