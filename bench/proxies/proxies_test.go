package proxies

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

var testPorts = Ports{Listen: 10001, Admin: 10002, Backend: 10003}

// The bootstrap must be a valid Envoy v3 Bootstrap, since Envoy runs it as is.
func TestBootstrapIsEnvoyV3(t *testing.T) {
	js, err := yaml.YAMLToJSON([]byte(Bootstrap(testPorts)))
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
}

func TestConfigure(t *testing.T) {
	tests := []struct {
		name      string
		proxy     Proxy
		wantArgs  string
		wantEnv   string
		wantReady bool
	}{
		{"skiff", Skiff{bin: "/bin/skiff"}, "proxy -c DIR/bootstrap.yaml --concurrency 1", "", true},
		{"envoy", Envoy{bin: "/bin/envoy"}, "-c DIR/bootstrap.yaml --concurrency 1 --disable-hot-restart -l error", "", true},
		{"haproxy", HAProxy{bin: "/bin/haproxy"}, "-f DIR/haproxy.cfg -db", "", false},
		{"nginx", Nginx{bin: "/bin/nginx"}, "-p DIR -c DIR/nginx.conf -e DIR/error.log", "", false},
		{"mosn", MOSN{bin: "/bin/mosn"}, "start -c DIR/mosn.json", "GOMAXPROCS=1", false},
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
			if tt.proxy.Name() != tt.name || tt.proxy.Setup() == "" {
				t.Errorf("Name %q, Setup %q", tt.proxy.Name(), tt.proxy.Setup())
			}
		})
	}
}

func TestMOSNConfigIsJSON(t *testing.T) {
	var v struct {
		Servers []struct {
			Listeners []struct{ Address string }
		}
		ClusterManager struct {
			Clusters []struct{ Hosts []struct{ Address string } }
		} `json:"cluster_manager"`
	}
	if err := json.Unmarshal([]byte(mosnConfig(`/tmp/a"b`, testPorts)), &v); err != nil {
		t.Fatal(err)
	}
	if v.Servers[0].Listeners[0].Address != "127.0.0.1:10001" || v.ClusterManager.Clusters[0].Hosts[0].Address != "127.0.0.1:10003" {
		t.Errorf("config = %+v", v)
	}
}

func TestHAProxyAcceptsConfig(t *testing.T) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Skip("haproxy not installed")
	}
	p, err := newHAProxy(bin)
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

func TestDetect(t *testing.T) {
	found, skipped := Detect(Options{Skiff: "/nonexistent/skiff"})
	if len(found) != 0 {
		t.Errorf("found %d proxies, want none", len(found))
	}
	want := []string{"skiff: skipped (/nonexistent/skiff not found)", "haproxy: skipped (no haproxy path given)",
		"nginx: skipped (no nginx path given)", "envoy: skipped (ENVOY_BIN not set)", "mosn: skipped (MOSN_BIN not set)"}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped =\n%s\nwant\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
}

// Where nginx is installed, Detect either accepts it (its stream config
// passes nginx -t) or says why it skips it.
func TestDetectNginx(t *testing.T) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		t.Skip("nginx not installed")
	}
	found, skipped := Detect(Options{Nginx: bin})
	if len(found) == 1 && found[0].Name() == "nginx" {
		return
	}
	for _, s := range skipped {
		if strings.HasPrefix(s, "nginx: skipped (") {
			t.Logf("nginx present but skipped: %s", s)
			return
		}
	}
	t.Fatalf("nginx neither found nor skipped: found %v, skipped %q", found, skipped)
}
