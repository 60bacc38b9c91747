package proxies

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
	"github.com/skiffmesh/skiff/bench/dubbocall"
)

// The Dubbo bootstrap is a valid Envoy v3 Bootstrap whose dubbo_proxy
// routes the benchmark's interface and method to the backend cluster.
func TestDubboBootstrap(t *testing.T) {
	b := parseBootstrap(t, Dubbo)
	l := b.GetStaticResources().GetListeners()[0]
	f := l.GetFilterChains()[0].GetFilters()[0]
	if f.GetName() != "envoy.filters.network.dubbo_proxy" || l.GetName() != "dubbo" {
		t.Fatalf("listener %q, filter %q", l.GetName(), f.GetName())
	}
	var dp dubbov3.DubboProxy
	if err := f.GetTypedConfig().UnmarshalTo(&dp); err != nil {
		t.Fatal(err)
	}
	if dp.GetProtocolType() != dubbov3.ProtocolType_Dubbo || dp.GetSerializationType() != dubbov3.SerializationType_Hessian2 {
		t.Errorf("protocol %v, serialization %v", dp.GetProtocolType(), dp.GetSerializationType())
	}
	rcs := dp.GetRouteConfig()
	if len(rcs) != 1 || rcs[0].GetInterface() != dubbocall.Interface || len(rcs[0].GetRoutes()) != 1 {
		t.Fatalf("route_config = %v", rcs)
	}
	r := rcs[0].GetRoutes()[0]
	if r.GetMatch().GetMethod().GetName().GetExact() != dubbocall.Method || r.GetRoute().GetCluster() != "backend" {
		t.Errorf("route = %v", r)
	}
	if fs := dp.GetDubboFilters(); len(fs) != 1 || fs[0].GetName() != "envoy.filters.dubbo.router" {
		t.Errorf("dubbo_filters = %v, want the router only", fs)
	}
	th := b.GetStaticResources().GetClusters()[0].GetCircuitBreakers().GetThresholds()
	if len(th) != 1 || th[0].GetMaxRequests().GetValue() != 100000 || th[0].GetMaxPendingRequests().GetValue() != 100000 {
		t.Errorf("circuit breakers = %v, want raised to 100,000", th)
	}
}

func TestConfigureDubbo(t *testing.T) {
	tests := []struct {
		name     string
		proxy    Proxy
		wantConf []string
	}{
		{"skiff", Skiff{bin: "/bin/skiff", proto: Dubbo}, []string{"dubbo_proxy", dubbocall.Interface}},
		{"envoy", Envoy{bin: "/bin/envoy", proto: Dubbo}, []string{"dubbo_proxy", dubbocall.Interface}},
		{"haproxy", HAProxy{bin: "/bin/haproxy", proto: Dubbo}, []string{"mode tcp", "listen dubbo", "nbthread 1"}},
		{"mosn", MOSN{bin: "/bin/mosn", proto: Dubbo}, []string{`"downstream_protocol": "dubbo"`, dubbocall.Interface}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, err := tt.proxy.Configure(t.TempDir(), testPorts)
			if err != nil {
				t.Fatal(err)
			}
			conf := readConfig(t, inst)
			for _, want := range tt.wantConf {
				if !strings.Contains(conf, want) {
					t.Errorf("config lacks %q:\n%s", want, conf)
				}
			}
			if !strings.Contains(strings.ToLower(tt.proxy.Setup()), "dubbo") {
				t.Errorf("Setup %q does not mention Dubbo", tt.proxy.Setup())
			}
		})
	}
}

func TestMOSNDubboConfigIsJSON(t *testing.T) {
	var v struct {
		Servers []struct {
			Routers []struct {
				VirtualHosts []struct {
					Routers []struct {
						Match struct {
							Headers []struct{ Name, Value string }
						}
						Route struct {
							Cluster string `json:"cluster_name"`
						}
					}
				} `json:"virtual_hosts"`
			}
			Listeners []struct {
				FilterChains []struct {
					Filters []struct {
						Type   string
						Config struct {
							Down string `json:"downstream_protocol"`
							Up   string `json:"upstream_protocol"`
						}
					}
				} `json:"filter_chains"`
			}
		}
	}
	if err := json.Unmarshal([]byte(mosnConfig(t.TempDir(), testPorts, Dubbo)), &v); err != nil {
		t.Fatal(err)
	}
	s := v.Servers[0]
	f := s.Listeners[0].FilterChains[0].Filters[0]
	if f.Type != "proxy" || f.Config.Down != "dubbo" || f.Config.Up != "dubbo" {
		t.Errorf("filter = %+v", f)
	}
	r := s.Routers[0].VirtualHosts[0].Routers[0]
	if len(r.Match.Headers) != 1 || r.Match.Headers[0].Name != "service" || r.Match.Headers[0].Value != dubbocall.Interface || r.Route.Cluster != "backend" {
		t.Errorf("route = %+v", r)
	}
}

// haproxy -c accepts the Dubbo (mode tcp) config where haproxy is installed.
func TestHAProxyAcceptsDubboConfig(t *testing.T) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Skip("haproxy not installed")
	}
	p, err := newHAProxy(bin, Dubbo)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := p.Configure(t.TempDir(), testPorts)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(inst.Path, "-c", "-f", inst.Args[1]).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
}

// nginx sits the Dubbo scenario out even when installed; a Skiff that
// rejects the Dubbo bootstrap is skipped with the reason.
func TestDetectDubbo(t *testing.T) {
	bin, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false(1)")
	}
	found, skipped := Detect(Options{Skiff: bin, Nginx: bin}, Dubbo)
	want := []string{"skiff: skipped (Dubbo bootstrap rejected by skiff validate", nginxDubboSkip}
	if len(found) != 0 || len(skipped) < 3 || !strings.HasPrefix(skipped[0], want[0]) || skipped[2] != want[1] {
		t.Errorf("found %v, skipped %q", found, skipped)
	}
}
