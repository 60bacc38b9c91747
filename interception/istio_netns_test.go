package interception

// TestIstioNetns runs Istio's sidecar listener model (docs/istio.md) under real TPROXY capture:
// the skiff binary in the pod namespace with the Istio fixture (testdata/istio_pod.yaml,
// generated from proxy/server/istio_fixture_test.go), the rules from `skiff intercept install`,
// and IPv4 traffic in both directions. It reuses the lab of TestNetns.

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// The services of the fixture: httpbin's VIP 10.200.0.2:8080 is routed to its endpoint, the
// remote's second address on port 80; the Dubbo provider on 20880 to remote4:20881.
const (
	httpbinVIP   = remote4 + ":8080"
	dubboService = remote4 + ":20880"
)

// istioStats are the counters TestIstioNetns follows, by short name.
var istioStats = map[string]string{
	"outbound":    "listener.0.0.0.0_15001.downstream_cx_total",
	"inbound":     "listener.0.0.0.0_15006.downstream_cx_total",
	"http8080":    "listener.0.0.0.0_8080.downstream_cx_total",
	"tcp20880":    "listener.0.0.0.0_20880.downstream_cx_total",
	"loop":        "listener.0.0.0.0_15001.downstream_cx_loop_refused",
	"httpbin":     "cluster.outbound|8080||httpbin.default.svc.cluster.local.upstream_cx_total",
	"dubbo":       "cluster.outbound|20880||dubbo-provider.default.svc.cluster.local.upstream_cx_total",
	"passthrough": "cluster.PassthroughCluster.upstream_cx_total",
	"in8080":      "cluster.inbound|8080||.upstream_cx_total",
	"in20880":     "cluster.inbound|20880||.upstream_cx_total",
	"inPass":      "cluster.InboundPassthroughCluster.upstream_cx_total",
	"http11":      "http_inspector.http11_found",
	"notTLS":      "tls_inspector.tls_not_found",
	"notHTTP":     "http_inspector.http_not_found",
}

func TestIstioNetns(t *testing.T) {
	requireLab(t)
	n := startIstioNetns(t)
	n.install(t)
	frame := dubboFrame()
	n.istioFlows(t, []flow{
		// Outbound: virtualOutbound hands each connection to the listener of its original
		// destination, or passes it through.
		{name: "HTTP to httpbin's VIP: 0.0.0.0_8080 routes it to the endpoint", from: n.app,
			req:  agentRequest{Op: "http", Addr: httpbinVIP},
			want: "remote local=" + other4 + ":80 remote=" + pod4, delta: map[string]int64{"http8080": 1, "httpbin": 1}},
		{name: "TCP to the Dubbo service: 0.0.0.0_20880", from: n.app, req: agentRequest{Op: "echo", Addr: dubboService, Data: frame},
			delta: map[string]int64{"tcp20880": 1, "dubbo": 1}},
		{name: "no listener for port 80: PassthroughCluster", from: n.app, req: agentRequest{Op: "http", Addr: remote4 + ":80"},
			want: "remote local=" + remote4 + ":80 remote=" + pod4, delta: map[string]int64{"outbound": 1, "passthrough": 1}},
		{name: "loop guard", from: n.app, req: agentRequest{Op: "probe", Addr: "127.0.0.1:15001"},
			want: "closed", delta: map[string]int64{"loop": 1}},

		// Inbound: virtualInbound picks chains by destination port, transport and ALPN.
		{name: "HTTP to 8080: the plaintext HTTP chain, from 127.0.0.6", from: n.remote,
			req:  agentRequest{Op: "http", Addr: pod4 + ":8080"},
			want: "app local=" + pod4 + ":8080 remote=127.0.0.6:", delta: map[string]int64{"inbound": 1, "in8080": 1, "http11": 1, "notTLS": 1}},
		{name: "Dubbo to 20880: the TCP chain, no HTTP inspection", from: n.remote,
			req: agentRequest{Op: "echo", Addr: pod4 + ":20880", Data: frame}, delta: map[string]int64{"inbound": 1, "in20880": 1, "notTLS": 1}},
		{name: "HTTP to an undeclared port: the HTTP passthrough chain", from: n.remote,
			req:  agentRequest{Op: "http", Addr: pod4 + ":9090"},
			want: "app-9090 local=" + pod4 + ":9090 remote=127.0.0.6:", delta: map[string]int64{"inbound": 1, "inPass": 1, "http11": 1, "notTLS": 1}},
		{name: "TCP to an undeclared port: the TCP passthrough chain", from: n.remote,
			req: agentRequest{Op: "echo", Addr: pod4 + ":7070", Data: frame}, delta: map[string]int64{"inbound": 1, "inPass": 1, "notTLS": 1, "notHTTP": 1}},
	})
	body := n.admin.must(t, agentRequest{Op: "get", URL: "http://127.0.0.1:15000/listeners"}).Body
	for _, want := range []string{"0.0.0.0_8080::0.0.0.0:8080", "0.0.0.0_20880::0.0.0.0:20880", "virtualOutbound::0.0.0.0:15001"} {
		if !strings.Contains(body, want) {
			t.Errorf("/listeners lacks %q:\n%s", want, body)
		}
	}
	if s := n.stats(t); s["listener_manager.telemetry_filters_skipped"] == 0 {
		t.Error("no telemetry filter was counted as skipped")
	}
}

// startIstioNetns builds the lab with the Istio fixture as the proxy's bootstrap.
func startIstioNetns(t *testing.T) *netns {
	l := newLab(t)
	copyFile(t, filepath.Join("testdata", "istio_pod.yaml"), filepath.Join(l.dir, "pod.yaml"), 0o644)
	n := &netns{lab: l,
		admin:  l.startAgent("pod-root", l.podNS, -1),
		app:    l.startAgent("app", l.podNS, 2000),
		remote: l.startAgent("remote", l.remoteNS, -1),
	}
	for _, s := range []agentRequest{
		{Op: "http-serve", Name: "remote", Addr: ":80"},
		{Op: "http-serve", Name: "vip-direct", Addr: ":8080"}, // reached only if routing were skipped
		{Op: "echo-serve", Addr: ":20881"},
	} {
		n.remote.must(t, s)
	}
	for _, s := range []agentRequest{
		{Op: "http-serve", Name: "app", Addr: ":8080"},
		{Op: "http-serve", Name: "app-9090", Addr: ":9090"},
		{Op: "echo-serve", Addr: ":20880"},
		{Op: "echo-serve", Addr: ":7070"},
	} {
		n.app.must(t, s)
	}
	l.startProxy(n.admin)
	return n
}

// istioFlows is flows with the counters of istioStats.
func (n *netns) istioFlows(t *testing.T, fs []flow) {
	t.Helper()
	for _, f := range fs {
		before := n.stats(t)
		resp := f.from.do(f.req)
		after := n.stats(t)
		switch {
		case resp.Err != "":
			t.Errorf("%s: %s %s: %s", f.name, f.req.Op, f.req.Addr, resp.Err)
		case f.req.Op == "echo" && !bytes.Equal(resp.Data, f.req.Data):
			t.Errorf("%s: echo came back as % x, want % x", f.name, resp.Data, f.req.Data)
		case f.req.Op != "echo" && !strings.HasPrefix(resp.Body, f.want):
			t.Errorf("%s: got %q, want it to start with %q", f.name, resp.Body, f.want)
		}
		for short, name := range istioStats {
			if got, want := after[name]-before[name], f.delta[short]; got != want {
				t.Errorf("%s: %s changed by %d, want %d", f.name, name, got, want)
			}
		}
	}
}
