package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/filters/fault"
	filterstats "github.com/skiffmesh/skiff/filters/stats"
	"github.com/skiffmesh/skiff/proxy/config"
)

// testLogger logs warnings and errors to the test output only.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// startProxy runs a server with the bootstrap YAML and returns it with the
// bound address of each listener.
func startProxy(t testing.TB, yaml string) (*Server, map[string]string) {
	t.Helper()
	b, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	snap, err := config.Translate(b)
	if err != nil {
		t.Fatalf("translate: %v", err)
	}
	reg := &filters.Registry{}
	fault.Register(reg)
	filterstats.Register(reg)
	srv, err := New(Options{Loops: 2, Logger: testLogger(t), Filters: reg})
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
	addrs := map[string]string{}
	for name, a := range srv.ListenerAddrs() {
		addrs[name] = a.String()
	}
	return srv, addrs
}

// applyYAML translates a bootstrap and applies it to srv.
func applyYAML(t testing.TB, srv *Server, yaml string) {
	t.Helper()
	b, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, yaml)
	}
	snap, err := config.Translate(b)
	if err != nil {
		t.Fatalf("translate: %v", err)
	}
	if err := srv.Apply(snap); err != nil {
		t.Fatalf("apply: %v", err)
	}
}

// tcpProxyYAML is a bootstrap with one tcp_proxy listener on an ephemeral
// port to a STATIC cluster of the given endpoints. extra is appended to the
// tcp_proxy config, clusterExtra to the cluster.
func tcpProxyYAML(endpoints []string, extra, clusterExtra string) string {
	var eps strings.Builder
	for _, ep := range endpoints {
		host, port, _ := net.SplitHostPort(ep)
		fmt.Fprintf(&eps, "        - endpoint: {address: {socket_address: {address: %q, port_value: %s}}}\n", host, port)
	}
	return fmt.Sprintf(`
static_resources:
  listeners:
  - name: l
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: t
          cluster: c
%s
  clusters:
  - name: c
    type: STATIC
    connect_timeout: 1s
%s
    load_assignment:
      cluster_name: c
      endpoints:
      - lb_endpoints:
%s`, indent(extra, 10), indent(clusterExtra, 4), eps.String())
}

func indent(s string, n int) string {
	if s == "" {
		return ""
	}
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

// serveTCP runs handle for every connection accepted on a loopback listener.
func serveTCP(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// echoServer copies every connection back to itself, half-closing after EOF.
func echoServer(t testing.TB) string {
	return serveTCP(t, func(c net.Conn) {
		_, _ = io.Copy(c, c)
		_ = c.(*net.TCPConn).CloseWrite()
	})
}

// deadAddr is an address that was listened on and closed: connecting fails.
func deadAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// counter reads a counter, failing the test if it does not exist.
func counter(t testing.TB, s *Server, name string) uint64 {
	t.Helper()
	v, ok := s.Stats().CounterValue(name)
	if !ok {
		t.Fatalf("no counter %q", name)
	}
	return v
}

func gauge(t testing.TB, s *Server, name string) int64 {
	t.Helper()
	v, ok := s.Stats().GaugeValue(name)
	if !ok {
		t.Fatalf("no gauge %q", name)
	}
	return v
}

// eventually polls cond until it holds or 5 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func dial(t testing.TB, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c.(*net.TCPConn)
}

func listenerStat(addr, name string) string {
	ap := strings.Replace(addr, ":", "_", 1)
	return "listener." + ap + "." + name
}

var _ = os.Getpid
