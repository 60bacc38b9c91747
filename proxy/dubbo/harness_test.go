package dubbo

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"

	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/stats"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// harness is one Dubbo manager on a real engine, fed by a Go listener.
type harness struct {
	sh   *Shared
	mu   sync.Mutex
	m    *Manager // serves the connections accepted next (setManager)
	addr string
}

// setManager makes m serve the connections accepted from now on.
func (h *harness) setManager(m *Manager) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.m = m
}

// onLoops runs fn on every loop that has Dubbo state, one after the other.
func (h *harness) onLoops(t testing.TB, fn func(ls *loopState)) {
	t.Helper()
	h.sh.mu.Lock()
	loops := append([]*loopState(nil), h.sh.loops...)
	h.sh.mu.Unlock()
	for _, ls := range loops {
		done := make(chan struct{})
		if err := ls.loop.Post(func() { fn(ls); close(done) }); err != nil {
			t.Fatal(err)
		}
		<-done
	}
}

// consumerBacklog sums the held request bytes and the calls in progress
// of every consumer connection.
func (h *harness) consumerBacklog(t testing.TB) (held, active int) {
	h.onLoops(t, func(ls *loopState) {
		for d := range ls.conns {
			held += d.held
			active += d.active
		}
	})
	return held, active
}

// paused reports whether some consumer connection is paused.
func (h *harness) paused(t testing.TB) (any bool) {
	h.onLoops(t, func(ls *loopState) {
		for d := range ls.conns {
			any = any || d.paused
		}
	})
	return any
}

type nopObserver struct{}

func (nopObserver) Opened(int)                {}
func (nopObserver) Closed(int, time.Duration) {}

// startHarness serves routes (a YAML route_config list) with cluster "c"
// of the given provider address.
func startHarness(t testing.TB, routes, provider string, tweak func(*Shared)) *harness {
	t.Helper()
	eng, err := engine.Start(engine.Options{Loops: 2, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Stop(context.Background()) })
	store := stats.NewStore(2)
	clusters := upstream.NewManager(upstream.ManagerOptions{Stats: store, Loops: 2})
	t.Cleanup(clusters.Stop)
	clusters.Apply([]*config.Cluster{staticCluster(t, provider)})
	sh := &Shared{Stats: store, Clusters: clusters}
	if tweak != nil {
		tweak(sh)
	}
	m, err := New(&config.DubboProxy{StatPrefix: "t", Routes: parseRoutes(t, routes)}, 0, sh)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{sh: sh, m: m, addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			m := h.m
			h.mu.Unlock()
			_ = eng.Register(nc, m.NewConn(nopObserver{}))
		}
	})
	return h
}

func staticCluster(t testing.TB, addr string) *config.Cluster {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	js, err := yaml.YAMLToJSON([]byte(`
name: c
type: STATIC
connect_timeout: 1s
load_assignment:
  cluster_name: c
  endpoints:
  - lb_endpoints:
    - endpoint: {address: {socket_address: {address: "` + host + `", port_value: ` + port + `}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var pb clusterv3.Cluster
	if err := protojson.Unmarshal(js, &pb); err != nil {
		t.Fatal(err)
	}
	c, err := config.TranslateCluster(&pb)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func parseRoutes(t testing.TB, y string) []*dubbov3.RouteConfiguration {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte("route_config:\n" + y))
	if err != nil {
		t.Fatal(err)
	}
	var m dubbov3.MultipleRouteConfiguration
	if err := protojson.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	return m.GetRouteConfig()
}

// inflight counts the calls in the provider connections' tables and the
// calls waiting for a connection, on every loop.
func (h *harness) inflight(t testing.TB) (n int) {
	h.onLoops(t, func(ls *loopState) {
		for _, hp := range ls.hosts.All() {
			n += len(hp.waiting)
			for _, uc := range hp.conns {
				n += uc.inflight
				for _, c := range uc.slots {
					if c != nil {
						n++
					}
				}
			}
		}
	})
	return n
}

// serveTCP runs handle for every connection to a new loopback listener
// (closing the connection after) until the test ends; it returns the
// listener's address.
func serveTCP(t testing.TB, handle func(c net.Conn)) string {
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
				handle(c)
			})
		}
	})
	return ln.Addr().String()
}

// echoProvider answers every two-way call with the method name; calls to
// "hang" are not answered.
func echoProvider(t testing.TB) string {
	return serveTCP(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			frame, h, err := readFrame(br)
			if err != nil {
				return
			}
			if h.IsEvent() || !h.IsTwoWay() {
				continue
			}
			var head dubbo.RequestHead
			if dubbo.ParseRequestHead(frame[dubbo.HeaderSize:], &head) != nil || string(head.Method) == "hang" {
				continue
			}
			resp, _ := dubbo.AppendResponse(nil, h.ID, string(head.Method), nil)
			_, _ = c.Write(resp)
		}
	})
}

func readFrame(br *bufio.Reader) ([]byte, dubbo.Header, error) {
	hdr := make([]byte, dubbo.HeaderSize)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, dubbo.Header{}, err
	}
	h, err := dubbo.ParseHeader(hdr, dubbo.DefaultMaxBodySize)
	if err != nil {
		return nil, h, err
	}
	frame := make([]byte, h.FrameLen())
	copy(frame, hdr)
	_, err = io.ReadFull(br, frame[dubbo.HeaderSize:])
	return frame, h, err
}

func request(t testing.TB, id uint64, twoWay bool, method string) []byte {
	t.Helper()
	b, err := dubbo.AppendRequest(nil, id, twoWay, &dubbo.Invocation{Path: "com.foo.Greeter", Version: "1.0.0", Method: method, Args: []any{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// requestArgs is a two-way request of com.foo.Greeter:1.0.0 with one string
// argument.
func requestArgs(t testing.TB, id uint64, method, arg string) []byte {
	b, err := dubbo.AppendRequest(nil, id, true, &dubbo.Invocation{Path: "com.foo.Greeter", Version: "1.0.0", Method: method, Args: []any{arg}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
