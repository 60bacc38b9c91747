package proxies

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

var testPorts = Ports{Listen: 10001, Admin: 10002, Backend: 10003}

var protocols = []Protocol{TCP, HTTP}

func parseBootstrap(t *testing.T, proto Protocol) *bootstrapv3.Bootstrap {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(Bootstrap(testPorts, proto)))
	if err != nil {
		t.Fatal(err)
	}
	var b bootstrapv3.Bootstrap
	if err := (protojson.UnmarshalOptions{}).Unmarshal(js, &b); err != nil {
		t.Fatalf("not an Envoy v3 Bootstrap: %v", err)
	}
	if err := b.ValidateAll(); err != nil {
		t.Fatalf("invalid bootstrap: %v", err)
	}
	return &b
}

// The bootstrap must be a valid Envoy v3 Bootstrap, since Envoy runs it as is.
func TestBootstrapIsEnvoyV3(t *testing.T) {
	for _, proto := range protocols {
		t.Run(string(proto), func(t *testing.T) {
			b := parseBootstrap(t, proto)
			l := b.GetStaticResources().GetListeners()[0]
			if got := l.GetAddress().GetSocketAddress().GetPortValue(); got != 10001 {
				t.Errorf("listen port = %d", got)
			}
			ep := b.GetStaticResources().GetClusters()[0].GetLoadAssignment().GetEndpoints()[0].GetLbEndpoints()[0]
			if got := ep.GetEndpoint().GetAddress().GetSocketAddress().GetPortValue(); got != 10003 {
				t.Errorf("backend port = %d", got)
			}
			if got := b.GetAdmin().GetAddress().GetSocketAddress().GetPortValue(); got != 10002 {
				t.Errorf("admin port = %d", got)
			}
			want := map[Protocol]string{TCP: "envoy.filters.network.tcp_proxy", HTTP: "envoy.filters.network.http_connection_manager"}[proto]
			if got := l.GetFilterChains()[0].GetFilters()[0].GetName(); got != want {
				t.Errorf("filter = %q, want %q", got, want)
			}
		})
	}
}

// The HTTP bootstrap routes everything to the backend cluster through the
// router filter alone, without request IDs or dynamic stats.
func TestHTTPBootstrapRoute(t *testing.T) {
	b := parseBootstrap(t, HTTP)
	var hcm hcmv3.HttpConnectionManager
	if err := b.GetStaticResources().GetListeners()[0].GetFilterChains()[0].GetFilters()[0].GetTypedConfig().UnmarshalTo(&hcm); err != nil {
		t.Fatal(err)
	}
	if hcm.GetGenerateRequestId().GetValue() || hcm.GetGenerateRequestId() == nil || hcm.GetCodecType() != hcmv3.HttpConnectionManager_HTTP1 {
		t.Errorf("generate_request_id = %v, codec = %v", hcm.GetGenerateRequestId(), hcm.GetCodecType())
	}
	vhs := hcm.GetRouteConfig().GetVirtualHosts()
	if len(vhs) != 1 || strings.Join(vhs[0].GetDomains(), ",") != "*" || len(vhs[0].GetRoutes()) != 1 {
		t.Fatalf("virtual hosts = %v", vhs)
	}
	r := vhs[0].GetRoutes()[0]
	if r.GetMatch().GetPrefix() != "/" || r.GetRoute().GetCluster() != "backend" {
		t.Errorf("route = %v", r)
	}
	fs := hcm.GetHttpFilters()
	if len(fs) != 1 {
		t.Fatalf("http filters = %v, want the router only", fs)
	}
	var router routerv3.Router
	if err := fs[0].GetTypedConfig().UnmarshalTo(&router); err != nil {
		t.Fatal(err)
	}
	if router.GetDynamicStats() == nil || router.GetDynamicStats().GetValue() {
		t.Errorf("dynamic_stats = %v, want false", router.GetDynamicStats())
	}
}

func TestConfigure(t *testing.T) {
	tests := []struct {
		name      string
		proxy     Proxy
		wantArgs  string
		wantEnv   string
		wantReady bool
		wantConf  []string // substrings of the written config
	}{
		{"skiff tcp", Skiff{bin: "/bin/skiff", proto: TCP}, "proxy -c DIR/bootstrap.yaml --concurrency 1", "", true, []string{"tcp_proxy"}},
		{"skiff http", Skiff{bin: "/bin/skiff", proto: HTTP}, "proxy -c DIR/bootstrap.yaml --concurrency 1", "", true, []string{"http_connection_manager"}},
		{"envoy tcp", Envoy{bin: "/bin/envoy", proto: TCP}, "-c DIR/bootstrap.yaml --concurrency 1 --disable-hot-restart -l error", "", true, []string{"tcp_proxy"}},
		{"envoy http", Envoy{bin: "/bin/envoy", proto: HTTP}, "-c DIR/bootstrap.yaml --concurrency 1 --disable-hot-restart -l error", "", true, []string{"http_connection_manager"}},
		{"haproxy tcp", HAProxy{bin: "/bin/haproxy", proto: TCP}, "-f DIR/haproxy.cfg -db", "", false, []string{"mode tcp", "nbthread 1"}},
		{"haproxy http", HAProxy{bin: "/bin/haproxy", proto: HTTP}, "-f DIR/haproxy.cfg -db", "", false, []string{"mode http", "http-reuse always", "nbthread 1"}},
		{"nginx tcp", Nginx{bin: "/bin/nginx", proto: TCP}, "-p DIR -c DIR/nginx.conf -e DIR/error.log", "", false, []string{"stream {", "worker_processes 1;"}},
		{"nginx http", Nginx{bin: "/bin/nginx", proto: HTTP}, "-p DIR -c DIR/nginx.conf -e DIR/error.log", "", false,
			[]string{"keepalive 64;", "proxy_http_version 1.1;", `proxy_set_header Connection "";`, "worker_processes 1;", "access_log off;"}},
		{"mosn tcp", MOSN{bin: "/bin/mosn", proto: TCP}, "start -c DIR/mosn.json", "GOMAXPROCS=1", false, []string{`"tcp_proxy"`}},
		{"mosn http", MOSN{bin: "/bin/mosn", proto: HTTP}, "start -c DIR/mosn.json", "GOMAXPROCS=1", false, []string{`"Http1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			inst, err := tt.proxy.Configure(dir, testPorts)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ReplaceAll(strings.Join(inst.Args, " "), dir, "DIR"); got != tt.wantArgs {
				t.Errorf("args = %q, want %q", got, tt.wantArgs)
			}
			if got := strings.Join(inst.Env, " "); got != tt.wantEnv {
				t.Errorf("env = %q, want %q", got, tt.wantEnv)
			}
			if (inst.ReadyURL != "") != tt.wantReady {
				t.Errorf("ReadyURL = %q", inst.ReadyURL)
			}
			name, _, _ := strings.Cut(tt.name, " ")
			if tt.proxy.Name() != name || tt.proxy.Setup() == "" {
				t.Errorf("Name %q, Setup %q", tt.proxy.Name(), tt.proxy.Setup())
			}
			conf := readConfig(t, inst)
			for _, want := range tt.wantConf {
				if !strings.Contains(conf, want) {
					t.Errorf("config lacks %q:\n%s", want, conf)
				}
			}
		})
	}
}

func TestMOSNConfigIsJSON(t *testing.T) {
	var v struct {
		Servers []struct {
			Routers []struct {
				Name         string `json:"router_config_name"`
				VirtualHosts []struct {
					Routers []struct {
						Route struct {
							Cluster string `json:"cluster_name"`
						}
					}
				} `json:"virtual_hosts"`
			}
			Listeners []struct {
				Address      string
				FilterChains []struct {
					Filters []struct{ Type string }
				} `json:"filter_chains"`
			}
		}
		ClusterManager struct {
			Clusters []struct{ Hosts []struct{ Address string } }
		} `json:"cluster_manager"`
	}
	for _, proto := range protocols {
		t.Run(string(proto), func(t *testing.T) {
			if err := json.Unmarshal([]byte(mosnConfig(`/tmp/a"b`, testPorts, proto)), &v); err != nil {
				t.Fatal(err)
			}
			s := v.Servers[0]
			if s.Listeners[0].Address != "127.0.0.1:10001" || v.ClusterManager.Clusters[0].Hosts[0].Address != "127.0.0.1:10003" {
				t.Errorf("config = %+v", v)
			}
			filter := s.Listeners[0].FilterChains[0].Filters[0].Type
			if proto == TCP && (filter != "tcp_proxy" || len(s.Routers) != 0) {
				t.Errorf("tcp: filter %q, routers %+v", filter, s.Routers)
			}
			if proto == HTTP && (filter != "proxy" || len(s.Routers) != 1 || s.Routers[0].VirtualHosts[0].Routers[0].Route.Cluster != "backend") {
				t.Errorf("http: filter %q, routers %+v", filter, s.Routers)
			}
		})
	}
}

// haproxy -c accepts both generated configs where haproxy is installed.
func TestHAProxyAcceptsConfig(t *testing.T) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Skip("haproxy not installed")
	}
	for _, proto := range protocols {
		t.Run(string(proto), func(t *testing.T) {
			p, err := newHAProxy(bin, proto)
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
		})
	}
}

// Where nginx is installed, its HTTP config passes nginx -t (run by
// newNginx); the stream config does too unless the stream module is
// missing, which Detect reports.
func TestNginxAcceptsConfig(t *testing.T) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		t.Skip("nginx not installed")
	}
	for _, proto := range protocols {
		t.Run(string(proto), func(t *testing.T) {
			_, err := newNginx(bin, proto)
			if proto == TCP && err != nil && strings.Contains(err.Error(), "stream module not installed") {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for _, proto := range protocols {
		t.Run(string(proto), func(t *testing.T) {
			found, skipped := Detect(Options{Skiff: "/nonexistent/skiff"}, proto)
			if len(found) != 0 {
				t.Errorf("found %d proxies, want none", len(found))
			}
			want := []string{"skiff: skipped (/nonexistent/skiff not found)", "haproxy: skipped (no haproxy path given)",
				"nginx: skipped (no nginx path given)", "envoy: skipped (ENVOY_BIN not set)", "mosn: skipped (MOSN_BIN not set)"}
			if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
				t.Errorf("skipped =\n%s\nwant\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// A Skiff that rejects the HTTP bootstrap is skipped with the reason.
func TestDetectSkiffRejectingHTTP(t *testing.T) {
	bin, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false(1)")
	}
	found, skipped := Detect(Options{Skiff: bin}, HTTP)
	if len(found) != 0 || len(skipped) == 0 || !strings.HasPrefix(skipped[0], "skiff: skipped (HTTP bootstrap rejected by skiff validate") {
		t.Errorf("found %v, skipped %q", found, skipped)
	}
}

// readConfig returns the config file an instance was started with: the
// argument after -c or -f.
func readConfig(t *testing.T, inst Instance) string {
	t.Helper()
	for i, a := range inst.Args[:len(inst.Args)-1] {
		if a == "-c" || a == "-f" {
			b, err := os.ReadFile(inst.Args[i+1])
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no config argument in %q", inst.Args)
	return ""
}
