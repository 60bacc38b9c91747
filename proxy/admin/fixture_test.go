package admin

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/server"
)

const (
	testVersion  = "skiff-test/1.0"
	testNodeID   = "sidecar~127.0.0.1~app-1.default~default.svc.cluster.local"
	listenerName = "ingress"
	clusterName  = "backend"
	tcpPrefix    = "ingress_tcp"
)

// fixture is a running proxy with a tcp_proxy listener to an echo server
// and the admin API in front of it.
type fixture struct {
	t        *testing.T
	srv      *server.Server
	adm      *Admin
	base     string // http://host:port of the admin server
	listener string // bound address of the tcp_proxy listener
	backend  string // address of the echo server
	level    *slog.LevelVar
	quits    chan struct{} // one value per Quit call
	client   *http.Client
}

// bootstrapYAML is a bootstrap with a tcp_proxy listener on an ephemeral
// loopback port to a STATIC cluster with one endpoint, backend.
func bootstrapYAML(backend string) string {
	host, port, _ := net.SplitHostPort(backend)
	return fmt.Sprintf(`
node: {id: %q, cluster: app}
layered_runtime:
  layers:
  - name: static
    static_layer:
      custom: {key: 7}
      skiff: {stats: {host_level: true}}
static_resources:
  listeners:
  - name: %s
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: %s
          cluster: %s
  clusters:
  - name: %s
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: %s
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: %q, port_value: %s}}}
`, testNodeID, listenerName, tcpPrefix, clusterName, clusterName, clusterName, host, port)
}

// startFixture runs a server and its admin API until the test ends. edit
// may change the admin options before Start.
func startFixture(t *testing.T, edit ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, backend: echoServer(t), level: new(slog.LevelVar), quits: make(chan struct{}, 8)}
	b, err := config.Parse([]byte(bootstrapYAML(f.backend)))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	snap, err := config.Translate(b)
	if err != nil {
		t.Fatalf("translate: %v", err)
	}
	srv, err := server.New(server.Options{Loops: 1, Logger: quietLogger(), Version: testVersion})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background(), 0) })
	if err := srv.Apply(snap); err != nil {
		t.Fatalf("apply: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.listener = srv.ListenerAddrs()[listenerName].String()
	f.startAdmin(edit...)
	return f
}

// withAdmin returns a copy of f served by a second admin server over the
// same proxy, with options changed by edit (stopping a proxy takes a
// while, a second admin server does not).
func (f *fixture) withAdmin(edit ...func(*Options)) *fixture {
	g := *f
	g.startAdmin(edit...)
	return &g
}

// startAdmin starts an admin server for f.srv until the test ends.
func (f *fixture) startAdmin(edit ...func(*Options)) {
	t := f.t
	t.Helper()
	opts := Options{
		Server: f.srv, LogLevel: f.level, Logger: quietLogger(),
		Quit:        func() { f.quits <- struct{}{} },
		CommandLine: map[string]any{"concurrency": 1, "config_path": "test.yaml"},
	}
	for _, e := range edit {
		e(&opts)
	}
	adm, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	f.adm = adm
	f.base = "http://" + adm.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
	f.client = client
	t.Cleanup(func() {
		client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := adm.Close(ctx); err != nil {
			t.Errorf("admin close: %v", err)
		}
	})
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// do sends method path (with query) to the admin API and returns the status
// and body.
func (f *fixture) do(method, path string) (int, string) {
	f.t.Helper()
	code, body, _ := f.doHeader(method, path)
	return code, body
}

func (f *fixture) doHeader(method, path string) (int, string, http.Header) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.base+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp.StatusCode, string(body), resp.Header
}

// get fetches path and fails the test unless the answer is 200.
func (f *fixture) get(path string) string {
	f.t.Helper()
	code, body := f.do(http.MethodGet, path)
	if code != http.StatusOK {
		f.t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return body
}

// post sends POST path and fails the test unless the answer is 200.
func (f *fixture) post(path string) string {
	f.t.Helper()
	code, body := f.do(http.MethodPost, path)
	if code != http.StatusOK {
		f.t.Fatalf("POST %s: %d %s", path, code, body)
	}
	return body
}

// echoServer copies every connection back to itself until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			})
		}
	})
	return ln.Addr().String()
}

// eventually polls cond until it holds or 5 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lines splits a text answer into its non-empty lines.
func lines(body string) []string {
	var out []string
	for l := range strings.SplitSeq(body, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
