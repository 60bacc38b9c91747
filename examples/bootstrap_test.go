// Package examples holds the example configuration and programs; its tests check that every
// bootstrap shown to users (the files here and the YAML blocks in the READMEs) is a valid Envoy v3
// Bootstrap.
package examples

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

// yamlBlock matches fenced ```yaml blocks in Markdown.
var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// parseBootstrap decodes YAML strictly (unknown fields are errors) and runs the proto validation rules.
func parseBootstrap(t *testing.T, name string, data []byte) *bootstrapv3.Bootstrap {
	t.Helper()
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatalf("%s: yaml: %v", name, err)
	}
	var b bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(js, &b); err != nil {
		t.Fatalf("%s: decode Bootstrap: %v", name, err)
	}
	if err := b.ValidateAll(); err != nil {
		t.Fatalf("%s: validate Bootstrap: %v", name, err)
	}
	return &b
}

func TestBootstrapFiles(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example bootstrap files found")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parseBootstrap(t, f, data)
		})
	}
}

// TestDemoBootstrap pins what `make run` and the READMEs promise about examples/bootstrap.yaml.
func TestDemoBootstrap(t *testing.T) {
	data, err := os.ReadFile("bootstrap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b := parseBootstrap(t, "bootstrap.yaml", data)
	if got := b.GetAdmin().GetAddress().GetSocketAddress().GetPortValue(); got != 15000 {
		t.Errorf("admin port %d, want 15000", got)
	}
	listeners := map[string]uint32{}
	for _, l := range b.GetStaticResources().GetListeners() {
		listeners[l.GetName()] = l.GetAddress().GetSocketAddress().GetPortValue()
	}
	clusters := map[string]uint32{}
	for _, c := range b.GetStaticResources().GetClusters() {
		eps := c.GetLoadAssignment().GetEndpoints()
		if len(eps) != 1 || len(eps[0].GetLbEndpoints()) != 1 {
			t.Fatalf("cluster %q: want exactly one endpoint", c.GetName())
		}
		clusters[c.GetName()] = eps[0].GetLbEndpoints()[0].GetEndpoint().GetAddress().GetSocketAddress().GetPortValue()
	}
	tests := []struct {
		name string
		got  map[string]uint32
		key  string
		port uint32
	}{
		{name: "listener echo", got: listeners, key: "echo", port: 10000},
		{name: "listener http_tcp", got: listeners, key: "http_tcp", port: 10080},
		{name: "cluster demo_echo", got: clusters, key: "demo_echo", port: 10001},
		{name: "cluster demo_http", got: clusters, key: "demo_http", port: 10002},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := tt.got[tt.key]; !ok || got != tt.port {
				t.Errorf("%s: port %d (present %v), want %d", tt.key, got, ok, tt.port)
			}
		})
	}
}

// TestReadmeBootstraps decodes every ```yaml block of the READMEs as a Bootstrap.
func TestReadmeBootstraps(t *testing.T) {
	for _, f := range []string{"../README.md", "README.md"} {
		data, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range yamlBlock.FindAllSubmatch(data, -1) {
			t.Run(fmt.Sprintf("%s#%d", f, i), func(t *testing.T) {
				parseBootstrap(t, f, m[1])
			})
		}
	}
}
