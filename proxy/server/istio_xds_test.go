package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	resourcev3 "github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/xds"
)

const istioNode = "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local"

// istioControlPlane is a go-control-plane ADS server on loopback that records NACKs.
type istioControlPlane struct {
	cache cachev3.SnapshotCache
	addr  string
	mu    sync.Mutex
	nacks []string
}

func newIstioControlPlane(t *testing.T) *istioControlPlane {
	cp := &istioControlPlane{cache: cachev3.NewSnapshotCache(true, cachev3.IDHash{}, nil)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cp.addr = ln.Addr().String()
	note := func(msg string) {
		if msg != "" {
			cp.mu.Lock()
			cp.nacks = append(cp.nacks, msg)
			cp.mu.Unlock()
		}
	}
	cb := serverv3.CallbackFuncs{
		StreamRequestFunc: func(_ int64, r *discoverygrpc.DiscoveryRequest) error {
			note(r.GetErrorDetail().GetMessage())
			return nil
		},
		StreamDeltaRequestFunc: func(_ int64, r *discoverygrpc.DeltaDiscoveryRequest) error {
			note(r.GetErrorDetail().GetMessage())
			return nil
		},
	}
	gs := grpc.NewServer()
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(gs, serverv3.NewServer(context.Background(), cp.cache, cb))
	go func() { _ = gs.Serve(ln) }()
	t.Cleanup(gs.Stop)
	return cp
}

// publish serves the mesh's resources as istiod would: LDS, CDS, EDS and RDS.
func (cp *istioControlPlane) publish(t *testing.T, version string, m istioMesh) {
	t.Helper()
	var ls, cs []types.Resource
	for _, l := range m.listeners() {
		ls = append(ls, l)
	}
	for _, c := range m.clusters() {
		cs = append(cs, c)
	}
	snap, err := cachev3.NewSnapshot(version, map[resourcev3.Type][]types.Resource{
		resourcev3.ListenerType: ls, resourcev3.ClusterType: cs,
		resourcev3.EndpointType: {assignment(m.httpbinCluster(), m.HTTPBin), assignment(m.dubboCluster(), m.Dubbo)},
		resourcev3.RouteType:    {m.outboundRoute()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.cache.SetSnapshot(context.Background(), istioNode, snap); err != nil {
		t.Fatal(err)
	}
}

func (cp *istioControlPlane) nackMessages() []string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return append([]string(nil), cp.nacks...)
}

// TestIstioFixtureOverXDS serves the Istio fixture (RDS route "8080", EDS clusters) from a
// go-control-plane server and sends HTTP and TCP through virtualOutbound's handoff, over both
// xDS protocols. Like TestIstioFixtureTraffic it uses a dual-stack capture socket, so that
// loopback connections carry distinct original destinations.
func TestIstioFixtureOverXDS(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::]:0"); err != nil {
		t.Skipf("no dual-stack socket here: %v", err)
	} else {
		_ = ln.Close()
	}
	for _, delta := range []bool{true, false} {
		t.Run(fmt.Sprintf("delta=%v", delta), func(t *testing.T) { testIstioOverXDS(t, delta) })
	}
}

func testIstioOverXDS(t *testing.T, delta bool) {
	httpbin := backend(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "httpbin %s", r.Host) })
	m := netnsMesh()
	m.CaptureIP, m.OutboundPort, m.InboundPort, m.Transparent, m.Mark, m.Dynamic = "::", 0, 0, false, 0, true
	m.HTTPBin, m.HTTPBinVIP = netip.MustParseAddrPort(httpbin), "127.0.0.8"
	m.Dubbo = netip.MustParseAddrPort(namedServer(t, "dubbo"))
	cp := newIstioControlPlane(t)
	cp.publish(t, "1", m)
	srv := startXDSProxy(t, cp.addr, delta)

	// The service ports become the capture port, known once it is bound: version 2.
	_, port, _ := net.SplitHostPort(srv.ListenerAddrs()["virtualOutbound"].String())
	var p uint32
	fmt.Sscan(port, &p)
	m.HTTPPort = p
	cp.publish(t, "2", m)
	eventually(t, "listener 0.0.0.0_"+port, func() bool { _, ok := srv.ListenerAddrs()["0.0.0.0_"+port]; return ok })
	eventually(t, "HTTP through RDS and EDS", func() bool {
		resp, err := http.Get("http://127.0.0.8:" + port + "/get")
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(body) == "httpbin 127.0.0.8:"+port
	})
	m.HTTPPort, m.DubboPort = 8080, p
	cp.publish(t, "3", m)
	eventually(t, "TCP through 0.0.0.0_"+port, func() bool { return greetingOrEmpty("127.0.0.9:"+port) == "dubbo" })
	if nacks := cp.nackMessages(); len(nacks) > 0 {
		t.Errorf("Skiff NACKed the fixture: %q", nacks)
	}
	if n := counter(t, srv, "listener_manager.telemetry_filters_skipped"); n == 0 {
		t.Error("no telemetry filter counted as skipped")
	}
}

// greetingOrEmpty is greeting without failing: "" when the connection fails.
func greetingOrEmpty(addr string) string {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return ""
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	if n == 0 {
		return ""
	}
	return string(buf[:n-1])
}

// startXDSProxy runs a server fed by an xDS client of the control plane at addr.
func startXDSProxy(t *testing.T, addr string, delta bool) *Server {
	t.Helper()
	srv := newTestServer(t)
	dyn := srv.EnableDynamic(DynamicOptions{DrainTime: time.Second})
	if err := srv.Apply(&config.Snapshot{Version: config.StaticVersion}); err != nil {
		t.Fatal(err)
	}
	client, err := xds.New(xds.Options{
		Config: &config.DynamicConfig{Delta: delta, Target: addr, ConnectTimeout: time.Second, LDS: true, CDS: true,
			LDSInitialFetchTimeout: 5 * time.Second, CDSInitialFetchTimeout: 5 * time.Second},
		Node: &corev3.Node{Id: istioNode, Cluster: "app-1"}, Target: dyn, Stats: srv.Stats(), Logger: testLogger(t),
		BackoffBase: 20 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); client.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := dyn.WaitReady(wctx, client.Initialized()); err != nil {
		t.Fatal(err)
	}
	return srv
}
