package config

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	"google.golang.org/protobuf/proto"
)

// dumpSources rebuilds stripped clusters from the snapshot's own Endpoints (the upstream hosts
// carry the same values at run time).
func dumpSources(s *Snapshot) func(string) *clusterv3.Cluster {
	return func(name string) *clusterv3.Cluster {
		for _, c := range s.Clusters {
			if c.Name == name {
				return c.DumpSource(c.Endpoints)
			}
		}
		return nil
	}
}

func clusterYAML(endpoints string) string {
	return `
static_resources:
  clusters:
  - name: c
    load_assignment:
      cluster_name: c
      endpoints:` + endpoints
}

func TestCompactSnapshot(t *testing.T) {
	tests := []struct {
		name      string
		endpoints string
		stripped  bool
	}{
		{"plain", `
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}
        - endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 80}}, hostname: h}
          load_balancing_weight: 3
      - priority: 1
        lb_endpoints:
        - endpoint: {address: {socket_address: {address: "::1", port_value: 81}}}`, true},
		{"metadata kept", `
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}
          metadata: {filter_metadata: {envoy.lb: {v: "1"}}}`, false},
		{"explicit weight 1 kept", `
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}
          load_balancing_weight: 1`, false},
		{"two localities of one priority kept", `
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 80}}}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Parse([]byte(clusterYAML(tc.endpoints)))
			if err != nil {
				t.Fatal(err)
			}
			orig := proto.Clone(b).(*bootstrapv3.Bootstrap)
			s, err := Translate(b)
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(b, orig) {
				t.Fatal("Translate modified its input")
			}
			c := s.Clusters[0]
			if got := stripped(c.Source.GetLoadAssignment()); got != tc.stripped {
				t.Fatalf("stripped = %v, want %v", got, tc.stripped)
			}
			if got := stripped(s.Bootstrap.GetStaticResources().GetClusters()[0].GetLoadAssignment()); got != tc.stripped {
				t.Fatalf("bootstrap stripped = %v, want %v", got, tc.stripped)
			}
			if !proto.Equal(c.DumpSource(c.Endpoints), orig.GetStaticResources().GetClusters()[0]) {
				t.Errorf("DumpSource differs:\n%v", c.DumpSource(c.Endpoints))
			}
			if !proto.Equal(s.DumpBootstrap(dumpSources(s)), orig) {
				t.Error("DumpBootstrap differs from the source")
			}
		})
	}
}

func TestMetadataShared(t *testing.T) {
	var eps strings.Builder
	eps.WriteString("\n      - lb_endpoints:")
	for i := range 3 {
		fmt.Fprintf(&eps, `
        - endpoint: {address: {socket_address: {address: 10.0.0.%d, port_value: 80}}}
          metadata: {filter_metadata: {envoy.lb: {v: "1", w: 2}}}`, i+1)
	}
	b, err := Parse([]byte(clusterYAML(eps.String())))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	eps0 := s.Clusters[0].Endpoints
	if fmt.Sprintf("%p", eps0[0].Metadata) != fmt.Sprintf("%p", eps0[2].Metadata) {
		t.Error("equal metadata maps are not shared")
	}
	if eps0[1].Metadata["w"] != "2" {
		t.Errorf("metadata = %v", eps0[1].Metadata)
	}
}

// A stripped Source is a copy that shares no memory with the parsed bootstrap, not even strings,
// so that nothing parsed keeps the parser's spans resident; it is equal to what it copies.
func TestCompactSnapshotSourcesFresh(t *testing.T) {
	b, err := Parse([]byte(`
static_resources:
  clusters:
  - name: backend
    load_assignment:
      cluster_name: backend
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}`))
	if err != nil {
		t.Fatal(err)
	}
	parsed := b.GetStaticResources().GetClusters()[0]
	s, err := Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Clusters[0]
	if len(c.Source.GetLoadAssignment().GetEndpoints()[0].GetLbEndpoints()) != 0 {
		t.Fatal("endpoints were not stripped from the source")
	}
	if c.Source == parsed || c.Source.GetLoadAssignment() == parsed.GetLoadAssignment() {
		t.Fatal("the source shares messages with the parsed bootstrap")
	}
	if unsafe.StringData(c.Name) == unsafe.StringData(parsed.GetName()) ||
		unsafe.StringData(c.Source.GetName()) == unsafe.StringData(parsed.GetName()) ||
		unsafe.StringData(c.Source.GetLoadAssignment().GetClusterName()) == unsafe.StringData(parsed.GetLoadAssignment().GetClusterName()) {
		t.Fatal("the source shares strings with the parsed bootstrap")
	}
	want := proto.Clone(parsed).(*clusterv3.Cluster)
	want.GetLoadAssignment().GetEndpoints()[0].LbEndpoints = nil
	if !proto.Equal(c.Source, want) {
		t.Fatalf("source = %v, want %v", c.Source, want)
	}
	if got := s.Bootstrap.GetStaticResources().GetClusters()[0]; got != c.Source {
		t.Fatal("the snapshot's bootstrap does not hold the cluster's source")
	}
}
