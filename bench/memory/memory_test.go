package memory

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestShapes(t *testing.T) {
	p := Plan{Clusters: 10, Sizes: []int{1000}, Traffic: 2, PerTraffic: 5}
	shapes := p.Shapes()
	if len(shapes) != 4 {
		t.Fatalf("%d shapes, want 4", len(shapes))
	}
	tests := []struct {
		name      string
		s         Shape
		endpoints int
	}{
		{"base", shapes[0], 10},
		{"clusters", shapes[1], 18},
		{"size off", shapes[2], 1000},
		{"size on", shapes[3], 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			total := 0
			for i := range tc.s.Clusters {
				total += tc.s.endpointsOf(i)
			}
			if total != tc.endpoints || tc.s.Endpoints != tc.endpoints {
				t.Errorf("%d endpoints (shape says %d), want %d", total, tc.s.Endpoints, tc.endpoints)
			}
			if n := len(tc.s.TrafficHosts(80)); n != 10 {
				t.Errorf("%d traffic hosts, want 10", n)
			}
		})
	}
	if shapes[2].HostStats || !shapes[3].HostStats {
		t.Error("host stats off then on")
	}
	p.EveryHost = []int{500}
	shapes = p.Shapes()
	if len(shapes) != 6 {
		t.Fatalf("%d shapes with every-host runs, want 6", len(shapes))
	}
	for i, s := range shapes {
		if want := i >= 4; s.EveryHost != want {
			t.Errorf("shape %d: every host %v, want %v", i, s.EveryHost, want)
		}
	}
	if s := shapes[4]; s.Endpoints != 500 || s.HostStats || !shapes[5].HostStats {
		t.Errorf("every-host shapes %+v %+v", shapes[4], shapes[5])
	}
}

func TestBootstrapShape(t *testing.T) {
	s := Shape{Clusters: 4, Endpoints: 20, Traffic: 1, TrafficEndpoints: 2, HostStats: true}
	b, err := json.Marshal(s.Bootstrap(15000, 15001, 15002))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		StaticResources struct {
			Clusters []struct {
				Name           string `json:"name"`
				LoadAssignment struct {
					Endpoints []struct {
						LbEndpoints []json.RawMessage `json:"lb_endpoints"`
					} `json:"endpoints"`
				} `json:"load_assignment"`
			} `json:"clusters"`
		} `json:"static_resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range doc.StaticResources.Clusters {
		n += len(c.LoadAssignment.Endpoints[0].LbEndpoints)
	}
	if len(doc.StaticResources.Clusters) != 4 || n != 20 {
		t.Errorf("%d clusters, %d endpoints", len(doc.StaticResources.Clusters), n)
	}
}

func TestMarkdownFigures(t *testing.T) {
	p := Plan{Clusters: 10, Sizes: []int{1000}, EveryHost: []int{1000}, Traffic: 2, PerTraffic: 5}
	var rs []Result
	for i, s := range p.Shapes() {
		m := Memory{Heap: uint64(i+1) << 20, InUse: uint64(i+2) << 20, RSS: uint64(i+30) << 20, Anon: uint64(i+5) << 20}
		rs = append(rs, Result{Shape: s, Mem: m, Unforced: m})
	}
	md := Markdown(p, rs, "test")
	for _, want := range []string{
		"bytes per endpoint, host stats off, 1000 endpoints",
		"off vs on, whole process before ?gc, 1000 endpoints",
		"RssFile, the binary's code and read-only data mapped from its file (25.0 MiB / 25.0 MiB)",
		"exceed the live heap by 1.0 MiB / 1.0 MiB",
		// every-host runs 4 (off) and 5 (on): on minus off is 1 MiB over 1000 hosts.
		"host stats, bytes per host (on minus off), 1000 endpoints, every host",
		"1049 B |",
		"off vs on, whole process, 1000 endpoints, every host",
		"sample, every host",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}
