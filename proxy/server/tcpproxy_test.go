package server

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
)

func TestTCPProxyEcho(t *testing.T) {
	srv, addrs := startProxy(t, tcpProxyYAML([]string{echoServer(t)}, "", ""))
	c := dial(t, addrs["l"])
	msg := []byte("hello through skiff")
	for i := range 3 {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("round %d: got %q", i, got)
		}
	}
	_ = c.Close()
	eventually(t, "connection accounted as closed", func() bool {
		return gauge(t, srv, listenerStat(addrs["l"], "downstream_cx_active")) == 0 &&
			gauge(t, srv, "cluster.c.upstream_cx_active") == 0
	})
	want := map[string]uint64{
		"tcp.t.downstream_cx_total":                     1,
		"tcp.t.downstream_cx_rx_bytes_total":            3 * uint64(len(msg)),
		"tcp.t.downstream_cx_tx_bytes_total":            3 * uint64(len(msg)),
		"cluster.c.upstream_cx_total":                   1,
		"cluster.c.upstream_cx_destroy":                 1,
		"cluster.c.upstream_cx_tx_bytes_total":          3 * uint64(len(msg)),
		listenerStat(addrs["l"], "downstream_cx_total"): 1,
	}
	for name, v := range want {
		if got := counter(t, srv, name); got != v {
			t.Errorf("%s = %d, want %d", name, got, v)
		}
	}
}

// A client that writes a request and shuts down its write side still gets
// the whole (large) response.
func TestTCPProxyHalfCloseFromClient(t *testing.T) {
	response := make([]byte, 8<<20)
	_, _ = rand.Read(response)
	backend := serveTCP(t, func(c net.Conn) {
		req, err := io.ReadAll(c) // until the client's FIN arrives through the proxy
		if err != nil || string(req) != "request" {
			return
		}
		_, _ = c.Write(response)
	})
	srv, addrs := startProxy(t, tcpProxyYAML([]string{backend}, "", ""))
	c := dial(t, addrs["l"])
	if _, err := c.Write([]byte("request")); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the response queue up in the proxy
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, response) {
		t.Fatalf("got %d bytes, want %d", len(got), len(response))
	}
	eventually(t, "session end", func() bool {
		return gauge(t, srv, "cluster.c.upstream_cx_active") == 0 &&
			gauge(t, srv, listenerStat(addrs["l"], "downstream_cx_active")) == 0
	})
}

// The upstream half-closes first; the client keeps sending and the upstream
// still receives it.
func TestTCPProxyHalfCloseFromUpstream(t *testing.T) {
	got := make(chan []byte, 1)
	backend := serveTCP(t, func(c net.Conn) {
		_, _ = c.Write([]byte("banner"))
		_ = c.(*net.TCPConn).CloseWrite()
		b, _ := io.ReadAll(c)
		got <- b
	})
	_, addrs := startProxy(t, tcpProxyYAML([]string{backend}, "", ""))
	c := dial(t, addrs["l"])
	banner, err := io.ReadAll(c) // EOF arrives: the upstream's FIN was passed on
	if err != nil || string(banner) != "banner" {
		t.Fatalf("banner %q, %v", banner, err)
	}
	upload := bytes.Repeat([]byte("u"), 3<<20)
	if _, err := c.Write(upload); err != nil {
		t.Fatal(err)
	}
	_ = c.CloseWrite()
	select {
	case b := <-got:
		if !bytes.Equal(b, upload) {
			t.Fatalf("upstream got %d bytes, want %d", len(b), len(upload))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("upstream never saw the upload end")
	}
}

func TestTCPProxyUpstreamDown(t *testing.T) {
	live := echoServer(t)
	// Two listeners: one to a dead port, one to a live echo server.
	yaml := tcpProxyYAML([]string{deadAddr(t)}, "", "")
	srv, addrs := startProxy(t, yaml)
	_, liveAddrs := startProxy(t, tcpProxyYAML([]string{live}, "", ""))

	good := dial(t, liveAddrs["l"])
	for range 5 {
		err := readFromProxy(addrs["l"])
		if err == nil {
			t.Fatal("read from a proxied dead upstream succeeded")
		}
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
			t.Fatalf("want reset or EOF, got %v", err)
		}
		// The other proxy's connections are unaffected.
		if _, err := good.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(good, make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if n := counter(t, srv, "cluster.c.upstream_cx_connect_fail"); n != 5 {
		t.Fatalf("upstream_cx_connect_fail = %d, want 5", n)
	}
	eventually(t, "downstream accounted", func() bool {
		return gauge(t, srv, listenerStat(addrs["l"], "downstream_cx_active")) == 0
	})
}

// blackholeAddr returns a listening socket whose accept queue is full, so
// further SYNs are dropped and connects time out.
func blackholeAddr(t *testing.T) string {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := syscall.Getsockname(fd)
	addr := (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
	// Fill the accept queue (backlog 0 still admits one or two).
	for range 3 {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			t.Cleanup(func() { _ = c.Close() })
		}
	}
	return addr
}

func TestTCPProxyUpstreamConnectTimeout(t *testing.T) {
	yaml := tcpProxyYAML([]string{blackholeAddr(t)}, "", "")
	yaml = bytes.NewBufferString(yaml).String()
	srv, addrs := startProxy(t, replaceOnce(yaml, "connect_timeout: 1s", "connect_timeout: 0.2s"))
	start := time.Now()
	c := dial(t, addrs["l"])
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("read succeeded")
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 3*time.Second {
		t.Fatalf("closed after %v, want about the 200ms connect timeout", d)
	}
	if n := counter(t, srv, "cluster.c.upstream_cx_connect_timeout"); n != 1 {
		t.Fatalf("upstream_cx_connect_timeout = %d, want 1", n)
	}
}

func TestTCPProxyIdleTimeout(t *testing.T) {
	srv, addrs := startProxy(t, tcpProxyYAML([]string{echoServer(t)}, "idle_timeout: 0.2s", ""))
	c := dial(t, addrs["l"])
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("idle connection was not closed")
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Fatalf("closed after %v, want about 200ms", d)
	}
	if n := counter(t, srv, "tcp.t.idle_timeout"); n != 1 {
		t.Fatalf("idle_timeout = %d", n)
	}
}

func TestTCPProxyMaxConnections(t *testing.T) {
	yaml := tcpProxyYAML([]string{echoServer(t)}, "", `
circuit_breakers:
  thresholds:
  - max_connections: 2`)
	srv, addrs := startProxy(t, yaml)
	var open []*net.TCPConn
	for range 2 {
		c := dial(t, addrs["l"])
		if _, err := c.Write([]byte("a")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
	}
	if err := readFromProxy(addrs["l"]); err == nil {
		t.Fatal("third connection was served")
	}
	if n := counter(t, srv, "cluster.c.upstream_cx_overflow"); n != 1 {
		t.Fatalf("upstream_cx_overflow = %d", n)
	}
	_ = open[0].Close()
	eventually(t, "slot released", func() bool { return gauge(t, srv, "cluster.c.upstream_cx_active") == 1 })
	c := dial(t, addrs["l"])
	if _, err := c.Write([]byte("b")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
		t.Fatalf("connection after a slot was freed: %v", err)
	}
}

func replaceOnce(s, old, new string) string {
	return string(bytes.Replace([]byte(s), []byte(old), []byte(new), 1))
}

// readFromProxy connects and reads one byte. The proxy may reset the
// connection so fast that the reset is reported by connect itself.
func readFromProxy(addr string) error {
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	_ = nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err = nc.Read(make([]byte, 1))
	return err
}

// An ORIGINAL_DST cluster behind a listener that is not capturing sees the
// listener's own address as the original destination: proxying would loop
// back into Skiff, so the connection is refused and counted.
func TestOriginalDstLoopGuard(t *testing.T) {
	srv, addrs := startProxy(t, `
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
          cluster: passthrough
  clusters:
  - name: passthrough
    type: ORIGINAL_DST
    lb_policy: CLUSTER_PROVIDED
`)
	if err := readFromProxy(addrs["l"]); err == nil {
		t.Fatal("a connection to Skiff's own listener was proxied")
	}
	eventually(t, "loop refused", func() bool { return counter(t, srv, "tcp.t.downstream_cx_loop_refused") == 1 })
	if n := counter(t, srv, listenerStat(addrs["l"], "downstream_cx_total")); n != 1 {
		t.Fatalf("downstream_cx_total = %d: the proxy dialled itself", n)
	}
}

// A transparent (capture) listener refuses connections addressed to itself.
func TestTransparentListenerLoopGuard(t *testing.T) {
	yaml := replaceOnce(tcpProxyYAML([]string{echoServer(t)}, "", ""),
		"    address: {socket_address: {address: 127.0.0.1, port_value: 0}}",
		"    address: {socket_address: {address: 127.0.0.1, port_value: 0}}\n    transparent: true")
	b, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := config.Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	probe, err := (SocketBinder{}).Listen(snap.Listeners[0])
	if err != nil {
		t.Skipf("cannot make a transparent listener here (needs CAP_NET_ADMIN): %v", err)
	}
	_ = probe.Close()
	srv, addrs := startProxy(t, yaml)
	if err := readFromProxy(addrs["l"]); err == nil {
		t.Fatal("a connection addressed to the capture listener itself was proxied")
	}
	if n := counter(t, srv, listenerStat(addrs["l"], "downstream_cx_loop_refused")); n != 1 {
		t.Fatalf("downstream_cx_loop_refused = %d", n)
	}
}
