package server

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"

	"github.com/skiffmesh/skiff/proxy/config"
)

var updateIstio = flag.Bool("update-istio", false, "rewrite interception/testdata/istio_pod.yaml from the Istio fixture")

// istioPodYAML is the bootstrap of the Istio network namespace test (interception package).
const istioPodYAML = "../../interception/testdata/istio_pod.yaml"

// netnsMesh is the fixture as the network namespace test runs it: the lab's addresses, capture
// on Istio's ports with TPROXY, the socket mark the interception rules exclude.
func netnsMesh() istioMesh {
	return istioMesh{CaptureIP: "0.0.0.0", OutboundPort: 15001, InboundPort: 15006, Transparent: true, Mark: 0x800,
		HTTPPort: 8080, HTTPBinVIP: "10.200.0.2", HTTPBin: netip.MustParseAddrPort("10.200.0.3:80"),
		DubboPort: 20880, Dubbo: netip.MustParseAddrPort("10.200.0.2:20881"), InboundSource: "127.0.0.6"}
}

// TestIstioFixtureYAML keeps the network namespace test's bootstrap equal to the fixture.
func TestIstioFixtureYAML(t *testing.T) {
	js, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(netnsMesh().bootstrap("127.0.0.1", 15000))
	if err != nil {
		t.Fatal(err)
	}
	body, err := yaml.JSONToYAML(js)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("# Generated from proxy/server/istio_fixture_test.go (netnsMesh) by\n"+
		"# `go test ./proxy/server -run TestIstioFixtureYAML -update-istio`. Do not edit.\n"), body...)
	if *updateIstio {
		if err := os.WriteFile(istioPodYAML, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(istioPodYAML)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the fixture; run with -update-istio", istioPodYAML)
	}
	b, err := config.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := config.Translate(b); err != nil {
		t.Fatal(err)
	}
}

// TestIstioFixtureChains checks how the fixture's virtualInbound and handoff choose.
func TestIstioFixtureChains(t *testing.T) {
	m := netnsMesh()
	m.CaptureIP, m.OutboundPort, m.InboundPort, m.Transparent, m.Mark = "127.0.0.1", 0, 0, false, 0
	snap, err := config.Translate(m.bootstrap("127.0.0.1", 0))
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t)
	if err := srv.Apply(snap); err != nil {
		t.Fatal(err)
	}
	if n := counter(t, srv, "listener_manager.telemetry_filters_skipped"); n != 23 {
		t.Errorf("telemetry_filters_skipped = %d, want 23", n)
	}
	srv.mu.Lock()
	out, in := srv.listeners["virtualOutbound"], srv.listeners["virtualInbound"]
	srv.mu.Unlock()
	for _, tc := range []struct{ dst, want string }{
		{"10.96.0.10:8080", "0.0.0.0_8080"},
		{"10.96.0.11:20880", "0.0.0.0_20880"},
		{"10.96.0.12:443", "virtualOutbound"},
	} {
		if got := srv.handoffTarget(out, netip.MustParseAddrPort(tc.dst)).name; got != tc.want {
			t.Errorf("connection to %s handed to %q, want %q", tc.dst, got, tc.want)
		}
	}
	cfg := in.version.Load().cfg
	src := netip.MustParseAddrPort("10.200.0.2:40000")
	for _, tc := range []struct {
		name      string
		port      uint16
		transport string
		alpn      []string
		want      string
		tls       bool
	}{
		{"plaintext HTTP to 8080", 8080, "", []string{"http/1.1"}, "0.0.0.0_8080", false},
		{"mTLS HTTP to 8080", 8080, "tls", []string{"istio-http/1.1"}, "0.0.0.0_8080", true},
		{"plaintext TCP to 20880", 20880, "", nil, "0.0.0.0_20880", false},
		{"mTLS TCP to 20880", 20880, "tls", []string{"istio-peer-exchange", "istio"}, "0.0.0.0_20880", true},
		{"HTTP to an undeclared port", 9090, "", []string{"http/1.0"}, "virtualInbound-catchall-http", false},
		{"TCP to an undeclared port", 9090, "", nil, "virtualInbound", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cfg.SelectConn(&config.ConnInfo{Dst: netip.AddrPortFrom(netip.MustParseAddr("10.200.0.1"), tc.port),
				Src: src, TransportProtocol: tc.transport, ApplicationProtocols: tc.alpn})
			if got == nil || got.Name != tc.want || got.RequiresTLS != tc.tls {
				t.Errorf("chain = %+v, want %q (RequiresTLS %v)", got, tc.want, tc.tls)
			}
		})
	}
	if tls, http := cfg.Inspect(20880); !tls || http {
		t.Errorf("Inspect(20880) = %v, %v; want tls only (http_inspector disabled there)", tls, http)
	}
}

// TestIstioFixtureTraffic sends HTTP through the fixture's virtualOutbound on loopback: the
// capture socket is dual-stack on [::], so a connection to 127.0.0.8:P arrives with that
// original destination and is handed to 0.0.0.0_P, whose route sends it to httpbin's endpoint.
func TestIstioFixtureTraffic(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::]:0"); err != nil {
		t.Skipf("no dual-stack socket here: %v", err)
	} else {
		_ = ln.Close()
	}
	httpbin := backend(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "httpbin %s", r.Host) })
	m := netnsMesh()
	m.CaptureIP, m.OutboundPort, m.InboundPort, m.Transparent, m.Mark = "::", 0, 0, false, 0
	m.HTTPBin, m.HTTPBinVIP = netip.MustParseAddrPort(httpbin), "127.0.0.8"
	srv := newTestServer(t)
	apply := func(m istioMesh) {
		snap, err := config.Translate(m.bootstrap("127.0.0.1", 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Apply(snap); err != nil {
			t.Fatal(err)
		}
	}
	apply(m)
	_, port, _ := net.SplitHostPort(srv.ListenerAddrs()["virtualOutbound"].String())
	fmt.Sscan(port, &m.HTTPPort)
	apply(m)
	resp, err := http.Get("http://127.0.0.8:" + port + "/get")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := "httpbin 127.0.0.8:" + port; string(body) != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	if n := counter(t, srv, "listener.0.0.0.0_"+port+".downstream_cx_total"); n != 1 {
		t.Errorf("0.0.0.0_%s counted %d connections", port, n)
	}
	if !strings.Contains(fmt.Sprint(srv.ListenerAddrs()), "0.0.0.0_"+port+":0.0.0.0:"+port) {
		t.Errorf("ListenerAddrs = %v", srv.ListenerAddrs())
	}
}

// newTestServer is a started server with no config.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	srv, err := New(Options{Loops: 2, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(t.Context(), 0) })
	return srv
}
