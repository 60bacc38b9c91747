package xds_test

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// fixture is the initial configuration: listener "http" (RDS "web": /b to cluster "b", else
// "a") and listener "tcp" (tcp_proxy to cluster "echo"), all clusters EDS.
type fixture struct {
	a, b, a2 uint32 // backend ports: "a", "b", and a second "a" answering "a2"
	echo     uint32
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{echo: echo(t)}
	_, f.a = backend(t, "a")
	_, f.b = backend(t, "b")
	_, f.a2 = backend(t, "a2")
	return f
}

func (f *fixture) resources(t *testing.T) resourcesSet {
	return resourcesSet{
		clusters: []types.Resource{edsCluster("a"), edsCluster("b"), edsCluster("echo")},
		endpoints: []types.Resource{
			assignment("a", f.a), assignment("b", f.b), assignment("echo", f.echo),
		},
		listeners: []types.Resource{httpListener(t, "http", "web"), tcpListener(t, "tcp", "echo")},
		routes:    []types.Resource{routes("web", "/b", "b", "/", "a")},
	}
}

// tcpRoundTrip writes msg on c and reads it back.
func tcpRoundTrip(c net.Conn, msg string) (string, error) {
	if _, err := io.WriteString(c, msg); err != nil {
		return "", err
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, len(msg))
	_, err := io.ReadFull(c, buf)
	return string(buf), err
}

func TestInitialConfigAndUpdates(t *testing.T) {
	protocols(t, func(t *testing.T, delta bool) {
		cp := newControlPlane(t)
		f := newFixture(t)
		rs := f.resources(t)
		cp.set("1", rs)
		p := startProxy(t, cp, delta, time.Second)
		web := p.addr(t, "http")
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		defer hc.CloseIdleConnections()
		expect := func(path, want string) {
			t.Helper()
			eventually(t, path+" -> "+want, func() bool {
				got, err := get(hc, web, path)
				return err == nil && got == want
			})
		}
		expect("/", "a")
		expect("/b", "b")
		tc, err := net.Dial("tcp", p.addr(t, "tcp"))
		if err != nil {
			t.Fatal(err)
		}
		defer tc.Close()
		if got, err := tcpRoundTrip(tc, "ping"); err != nil || got != "ping" {
			t.Fatalf("tcp_proxy: %q, %v", got, err)
		}

		t.Run("EDS", func(t *testing.T) {
			rs.endpoints[0] = assignment("a", f.a2)
			cp.set("2", rs)
			expect("/", "a2")
		})
		t.Run("RDS", func(t *testing.T) {
			rs.routes[0] = routes("web", "/", "b")
			cp.set("3", rs)
			expect("/", "b") // on the same keep-alive connection
		})
		t.Run("CDS", func(t *testing.T) {
			rs.clusters = append(rs.clusters, edsCluster("c"))
			rs.endpoints = append(rs.endpoints, assignment("c", f.a))
			rs.routes[0] = routes("web", "/c", "c", "/", "b")
			cp.set("4", rs)
			expect("/c", "a")
		})
		t.Run("CDS removal", func(t *testing.T) {
			rs.clusters = rs.clusters[:len(rs.clusters)-1]
			rs.endpoints = rs.endpoints[:len(rs.endpoints)-1]
			rs.routes[0] = routes("web", "/", "b")
			cp.set("4b", rs)
			eventually(t, "cluster c removed", func() bool { return p.srv.Clusters().Get("c") == nil })
			expect("/c", "b")
			rs.clusters = append(rs.clusters, edsCluster("c"))
			rs.endpoints = append(rs.endpoints, assignment("c", f.a))
			rs.routes[0] = routes("web", "/c", "c", "/", "b")
			cp.set("4c", rs)
			expect("/c", "a")
		})
		t.Run("LDS", func(t *testing.T) {
			rs.listeners = append(rs.listeners, httpListener(t, "http2", "web"))
			cp.set("5", rs)
			eventually(t, "listener http2", func() bool {
				_, ok := p.srv.ListenerAddrs()["http2"]
				return ok
			})
			if got, err := get(hc, p.addr(t, "http2"), "/c"); err != nil || got != "a" {
				t.Fatalf("GET /c on http2 = %q, %v", got, err)
			}
		})
		if got, err := tcpRoundTrip(tc, "pong"); err != nil || got != "pong" {
			t.Fatalf("tcp_proxy connection after the updates: %q, %v", got, err)
		}
		dump := p.srv.DynamicDump()
		if dump.ListenersVersion != "5" || len(dump.Clusters) != 4 || len(dump.Listeners) != 3 || len(dump.Routes) != 1 || len(dump.Endpoints) != 4 {
			t.Errorf("dump: version %q, %d clusters, %d listeners, %d routes, %d endpoints",
				dump.ListenersVersion, len(dump.Clusters), len(dump.Listeners), len(dump.Routes), len(dump.Endpoints))
		}
	})
}

func TestNACKKeepsServing(t *testing.T) {
	cases := []struct {
		name string
		bad  func(t *testing.T, rs *resourcesSet, f *fixture)
		want []string // in the error_detail
	}{
		{"cluster", func(t *testing.T, rs *resourcesSet, f *fixture) {
			bad := edsCluster("a")
			bad.LbPolicy = clusterv3.Cluster_RING_HASH
			rs.clusters[0] = bad
		}, []string{`cluster "a"`, "lb_policy: RING_HASH not supported"}},
		{"endpoints", func(t *testing.T, rs *resourcesSet, f *fixture) {
			la := assignment("a", f.a2)
			la.Endpoints[0].LbEndpoints[0].GetEndpoint().GetAddress().GetSocketAddress().Address = "a.example"
			rs.endpoints[0] = la
		}, []string{`cluster_load_assignment "a"`, "is not an IP address"}},
		{"listener", func(t *testing.T, rs *resourcesSet, f *fixture) {
			l := httpListener(t, "http", "web")
			l.EnableReusePort = wrapperspb.Bool(true)
			rs.listeners[0] = l
		}, []string{`listener "http"`, "enable_reuse_port: not supported"}},
		{"routes", func(t *testing.T, rs *resourcesSet, f *fixture) {
			rc := routes("web", "/", "a2")
			rc.VirtualHosts[0].RequireTls = routev3.VirtualHost_ALL
			rs.routes[0] = rc
		}, []string{`route_config "web"`, "require_tls"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			protocols(t, func(t *testing.T, delta bool) {
				cp := newControlPlane(t)
				f := newFixture(t)
				rs := f.resources(t)
				cp.set("1", rs)
				p := startProxy(t, cp, delta, time.Second)
				web := p.addr(t, "http")
				tc.bad(t, &rs, f)
				cp.set("2", rs)
				eventually(t, "a NACK naming the resource and field", func() bool {
					return containsAny(cp.nackMessages(), tc.want...)
				})
				if got, err := get(http.DefaultClient, web, "/"); err != nil || got != "a" {
					t.Fatalf("after the NACK: %q, %v (want the previous config)", got, err)
				}
				var rejected uint64
				for _, n := range []string{"cluster_manager.cds", "cluster_manager.eds", "listener_manager.lds", "listener_manager.rds"} {
					v, _ := p.srv.Stats().CounterValue(n + ".update_rejected")
					rejected += v
				}
				// Delta servers send a version once; a state-of-the-world server may resend it,
				// and the client holds its repeated NACKs back.
				if rejected == 0 || (delta && rejected != 1) || rejected > 10 {
					t.Errorf("%d updates rejected", rejected)
				}
				// A good update afterwards is accepted.
				rs = f.resources(t)
				rs.endpoints[0] = assignment("a", f.a2)
				cp.set("3", rs)
				eventually(t, "the next good update", func() bool {
					got, err := get(http.DefaultClient, web, "/")
					return err == nil && got == "a2"
				})
			})
		})
	}
}
