package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// namedServer greets every connection with its name and a newline, then echoes.
func namedServer(t testing.TB, name string) string {
	return serveTCP(t, func(c net.Conn) {
		_, _ = io.WriteString(c, name+"\n")
		_, _ = io.Copy(c, c)
	})
}

// greeting connects to addr, optionally sends data, and returns the first line it reads ("" when
// the connection is closed without one).
func greeting(t testing.TB, addr, send string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if send != "" {
		if _, err := io.WriteString(c, send); err != nil {
			t.Fatal(err)
		}
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

// tcpChainYAML is a filter chain with a tcp_proxy to cluster, at indentation 4.
func tcpChainYAML(name, match, cluster string) string {
	m := ""
	if match != "" {
		m = "\n      filter_chain_match: " + match
	}
	return fmt.Sprintf(`
    - name: %s%s
      filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: %s
          cluster: %s`, name, m, name, cluster)
}

// staticClusterYAML is a STATIC cluster of one endpoint, at indentation 2.
func staticClusterYAML(name, addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	return fmt.Sprintf(`
  - name: %q
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: %q
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: %q, port_value: %s}}}`, name, name, host, port)
}

// TestUseOriginalDstHandoff runs a capture listener with use_original_dst on a dual-stack
// wildcard socket, so that connections to different loopback addresses arrive with different
// original destinations (the accepted socket's local address), as TPROXY delivers them.
func TestUseOriginalDstHandoff(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::]:0"); err != nil {
		t.Skipf("no dual-stack socket here: %v", err)
	} else {
		_ = ln.Close()
	}
	exact, wild, own := namedServer(t, "exact"), namedServer(t, "wildcard"), namedServer(t, "capture")
	capture := `
static_resources:
  listeners:
  - name: virtualOutbound
    address: {socket_address: {address: "::", port_value: 0}}
    use_original_dst: true
    filter_chains:` + tcpChainYAML("capture", "", "capture") + `
%s
  clusters:` + staticClusterYAML("capture", own) + staticClusterYAML("exact", exact) + staticClusterYAML("wildcard", wild)
	srv, addrs := startProxy(t, fmt.Sprintf(capture, ""))
	_, port, _ := net.SplitHostPort(addrs["virtualOutbound"])
	unbound := func(name, ip, cluster string) string {
		return fmt.Sprintf(`  - name: %s
    address: {socket_address: {address: %q, port_value: %s}}
    bind_to_port: false
    filter_chains:`, name, ip, port) + tcpChainYAML(name, "", cluster) + "\n"
	}
	applyYAML(t, srv, fmt.Sprintf(capture, unbound("exact_listener", "127.0.0.5", "exact")+unbound("wildcard_listener", "0.0.0.0", "wildcard")+
		strings.Replace(unbound("discard", "0.0.0.0", "capture"), "port_value: "+port, "port_value: 9", 1)))
	// The capture listener keeps its socket across the update.

	for _, tc := range []struct{ name, dst, want, listener string }{
		{"exact address", "127.0.0.5", "exact", "127.0.0.5_" + port},
		{"wildcard address of the port", "127.0.0.7", "wildcard", "0.0.0.0_" + port},
		{"no listener: the capture listener's chains", "::1", "capture", "::_" + port},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "listener." + tc.listener + ".downstream_cx_total"
			before, _ := srv.Stats().CounterValue(name)
			if got := greeting(t, net.JoinHostPort(tc.dst, port), ""); got != tc.want {
				t.Errorf("connection to %s reached %q, want %q", tc.dst, got, tc.want)
			}
			eventually(t, name, func() bool { v, _ := srv.Stats().CounterValue(name); return v == before+1 })
		})
	}
	got := srv.ListenerAddrs()
	if got["exact_listener"].String() != "127.0.0.5:"+port || got["wildcard_listener"].String() != "0.0.0.0:"+port {
		t.Errorf("ListenerAddrs = %v", got)
	}
	if _, ok := srv.Listeners()["exact_listener"]; ok {
		t.Error("a bind_to_port: false listener has a socket")
	}
	if srv.isOwnAddress(netip.MustParseAddrPort("127.0.0.1:9")) {
		t.Error("the port of bind_to_port: false listeners counts as one Skiff listens on")
	}

	// Without the exact listener, its address falls to the wildcard listener.
	applyYAML(t, srv, fmt.Sprintf(capture, unbound("wildcard_listener", "0.0.0.0", "wildcard")))
	if got := greeting(t, "127.0.0.5:"+port, ""); got != "wildcard" {
		t.Errorf("after removing exact_listener, 127.0.0.5 reached %q", got)
	}
}

// inspectorYAML is a listener with tls_inspector and http_inspector and chains by SNI, transport
// and application protocol.
func inspectorYAML(timeout string, cont bool, chains, clusters string) string {
	return fmt.Sprintf(`
static_resources:
  listeners:
  - name: l
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    listener_filters:
    - name: envoy.filters.listener.tls_inspector
      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
    - name: envoy.filters.listener.http_inspector
      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector}
    listener_filters_timeout: %s
    continue_on_listener_filters_timeout: %v
    filter_chains:%s
  clusters:%s
`, timeout, cont, chains, clusters)
}

// httpChainYAML is an http_connection_manager chain routing everything to cluster.
func httpChainYAML(name, match, cluster string) string {
	return fmt.Sprintf(`
    - name: %s
      filter_chain_match: %s
      filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: %s
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes: [{match: {prefix: "/"}, route: {cluster: %s}}]
          http_filters:
          - name: envoy.filters.http.router
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}`, name, match, name, cluster)
}

func TestInspectors(t *testing.T) {
	tlsUp := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "tls upstream sni=%s", r.TLS.ServerName)
	}))
	t.Cleanup(tlsUp.Close)
	httpUp := backend(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "http chain") })
	chains := tcpChainYAML("sni", `{transport_protocol: tls, server_names: ["api.example.com"]}`, "tls_up") +
		tcpChainYAML("tls_other", `{transport_protocol: tls}`, "tls_other") +
		httpChainYAML("http", `{transport_protocol: raw_buffer, application_protocols: ["http/1.1", "http/1.0"]}`, "http_up") +
		tcpChainYAML("tcp", `{transport_protocol: raw_buffer}`, "tcp")
	clusters := staticClusterYAML("tls_up", strings.TrimPrefix(tlsUp.URL, "https://")) +
		staticClusterYAML("tls_other", namedServer(t, "tls_other")) + staticClusterYAML("http_up", httpUp) +
		staticClusterYAML("tcp", namedServer(t, "tcp"))
	srv, addrs := startProxy(t, inspectorYAML("0.3s", true, chains, clusters))
	addr := addrs["l"]

	t.Run("TLS ClientHello with SNI, bytes passed on untouched", func(t *testing.T) {
		c := &http.Client{Transport: &http.Transport{
			DialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
				if err != nil {
					return nil, err
				}
				return tls.Client(conn, &tls.Config{ServerName: "api.example.com", InsecureSkipVerify: true,
					NextProtos: []string{"http/1.1"}}), nil
			}}}
		defer c.CloseIdleConnections()
		resp, err := c.Get("https://api.example.com/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "tls upstream sni=api.example.com" {
			t.Errorf("body = %q", body)
		}
		if counter(t, srv, "tls_inspector.sni_found") == 0 || counter(t, srv, "tls_inspector.alpn_found") == 0 {
			t.Error("tls_inspector counters did not move")
		}
	})
	t.Run("TLS with another name", func(t *testing.T) {
		conn := dial(t, addr)
		go func() {
			_ = tls.Client(conn, &tls.Config{ServerName: "other.example.com", InsecureSkipVerify: true}).Handshake()
		}()
		_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		eventually(t, "tls_other chosen", func() bool { v, _ := srv.Stats().CounterValue("tcp.tls_other.downstream_cx_total"); return v == 1 })
	})
	t.Run("HTTP/1.1 request", func(t *testing.T) {
		resp, err := http.Get("http://" + addr + "/x")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "http chain" {
			t.Errorf("body = %q", body)
		}
	})
	t.Run("plaintext, not HTTP", func(t *testing.T) {
		if got := greeting(t, addr, "hello there\n"); got != "tcp" {
			t.Errorf("reached %q, want tcp", got)
		}
	})
	t.Run("server speaks first: chosen after the timeout", func(t *testing.T) {
		start := time.Now()
		if got := greeting(t, addr, ""); got != "tcp" {
			t.Errorf("reached %q, want tcp", got)
		}
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Errorf("chain chosen after %v, before the 300ms timeout", d)
		}
		if n := counter(t, srv, listenerStat(addr, "downstream_pre_cx_timeout")); n != 1 {
			t.Errorf("downstream_pre_cx_timeout = %d", n)
		}
	})
	t.Run("request line in pieces", func(t *testing.T) {
		c := dial(t, addr)
		for _, part := range []string{"GE", "T /slow HT", "TP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"} {
			if _, err := io.WriteString(c, part); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond) // separate segments; the timeout is 300ms
		}
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		b, _ := io.ReadAll(c)
		if !strings.HasSuffix(string(b), "http chain") {
			t.Errorf("response = %q", b)
		}
	})
	t.Run("peer closes during inspection", func(t *testing.T) {
		before := counter(t, srv, "tls_inspector.tls_found")
		c := dial(t, addr)
		hello := clientHelloBytes(t, "api.example.com", nil)
		if _, err := c.Write(hello[:len(hello)/2]); err != nil {
			t.Fatal(err)
		}
		eventually(t, "inspection started", func() bool { return gauge(t, srv, listenerStat(addr, "downstream_pre_cx_active")) == 1 })
		_ = c.Close()
		eventually(t, "inspection ended", func() bool { return gauge(t, srv, listenerStat(addr, "downstream_pre_cx_active")) == 0 })
		if n := counter(t, srv, "tls_inspector.tls_found"); n != before {
			t.Errorf("tls_found moved from %d to %d for half a ClientHello", before, n)
		}
	})
	if g := gauge(t, srv, listenerStat(addr, "downstream_pre_cx_active")); g != 0 {
		t.Errorf("downstream_pre_cx_active = %d after every connection was decided", g)
	}
}

func TestInspectorTimeoutCloses(t *testing.T) {
	chains := httpChainYAML("http", `{application_protocols: ["http/1.1"]}`, "tcp") + tcpChainYAML("tcp", "", "tcp")
	srv, addrs := startProxy(t, inspectorYAML("0.2s", false, chains, staticClusterYAML("tcp", namedServer(t, "tcp"))))
	start := time.Now()
	if got := greeting(t, addrs["l"], ""); got != "" {
		t.Errorf("silent connection reached %q, want it closed", got)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("closed after %v, want about 200ms", d)
	}
	eventually(t, "pre_cx_timeout", func() bool {
		v, _ := srv.Stats().CounterValue(listenerStat(addrs["l"], "downstream_pre_cx_timeout"))
		return v == 1
	})
	if v, _ := srv.Stats().CounterValue("tcp.tcp.downstream_cx_total"); v != 0 {
		t.Errorf("the tcp chain served %d connections", v)
	}
}

func TestTLSChainRefused(t *testing.T) {
	chains := tcpChainYAML("mtls", `{transport_protocol: tls}`, "tcp") + `
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          require_client_certificate: true` + tcpChainYAML("plain", `{transport_protocol: raw_buffer}`, "tcp")
	srv, addrs := startProxy(t, inspectorYAML("1s", false, chains, staticClusterYAML("tcp", namedServer(t, "tcp"))))
	conn := dial(t, addrs["l"])
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	if err := tls.Client(conn, &tls.Config{ServerName: "x", InsecureSkipVerify: true}).Handshake(); err == nil {
		t.Error("TLS handshake through a chain that requires TLS termination succeeded")
	}
	if n := counter(t, srv, listenerStat(addrs["l"], "downstream_cx_tls_unsupported")); n != 1 {
		t.Errorf("downstream_cx_tls_unsupported = %d", n)
	}
	if got := greeting(t, addrs["l"], "plain\n"); got != "tcp" {
		t.Errorf("plaintext reached %q, want tcp", got)
	}
}

func TestBlackHoleCluster(t *testing.T) {
	srv, addrs := startProxy(t, `
static_resources:
  listeners:
  - name: l
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:`+tcpChainYAML("blackhole", "", "BlackHoleCluster")+`
  clusters:
  - name: BlackHoleCluster
    type: STATIC
    connect_timeout: 10s
`)
	start := time.Now()
	if c, err := net.DialTimeout("tcp", addrs["l"], 2*time.Second); err == nil { // a reset may beat connect
		_ = c.SetDeadline(time.Now().Add(3 * time.Second))
		if n, _ := c.Read(make([]byte, 1)); n != 0 {
			t.Error("got data through the black hole")
		}
		_ = c.Close()
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("black hole took %v to close", d)
	}
	eventually(t, "none healthy", func() bool {
		v, _ := srv.Stats().CounterValue("cluster.BlackHoleCluster.upstream_cx_none_healthy")
		return v == 1
	})
}
