package examples

import (
	"os"
	"testing"

	// The xDS example declares its control plane cluster's HTTP/2 options with these.
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"

	"github.com/skiffmesh/skiff/proxy/config"
)

// TestXDSBootstrapTranslates checks that Skiff accepts the xDS example as it stands.
func TestXDSBootstrapTranslates(t *testing.T) {
	data, err := os.ReadFile("xds-bootstrap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	if s.Dynamic == nil || !s.Dynamic.Delta || s.Dynamic.Target != "127.0.0.1:18000" {
		t.Errorf("dynamic = %+v", s.Dynamic)
	}
}
