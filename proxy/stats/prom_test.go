package stats

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestPrometheusText(t *testing.T) {
	s := NewStore(1)
	b := s.Scope(S("cluster"), T("envoy_cluster_name", "b"))
	a := s.Scope(S("cluster"), T("envoy_cluster_name", "a"))
	b.Counter("upstream_cx_total").Inc(0)
	a.Histogram("upstream_rq_time", Milliseconds).Record(0, 2)
	s.Scope(S("server")).Gauge("live").Set(1)
	a.Counter("upstream_cx_total").Add(0, 2)
	var out bytes.Buffer
	if err := s.WritePrometheus(&out, true); err != nil {
		t.Fatal(err)
	}
	var buckets strings.Builder
	for i, le := range leValues() {
		n := 1
		if i < 2 {
			n = 0
		}
		fmt.Fprintf(&buckets, "envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"a\",le=%q} %d\n", le, n)
	}
	want := `# TYPE envoy_cluster_upstream_cx_total counter
envoy_cluster_upstream_cx_total{envoy_cluster_name="a"} 2
envoy_cluster_upstream_cx_total{envoy_cluster_name="b"} 1
# TYPE envoy_cluster_upstream_rq_time histogram
` + buckets.String() + `envoy_cluster_upstream_rq_time_sum{envoy_cluster_name="a"} 2
envoy_cluster_upstream_rq_time_count{envoy_cluster_name="a"} 1
# TYPE envoy_server_live gauge
envoy_server_live 1
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestPrometheusFamiliesContiguous checks that, whatever the creation order, each family has one
// TYPE line directly followed by all of its series.
func TestPrometheusFamiliesContiguous(t *testing.T) {
	s := NewStore(2)
	for i := range 50 {
		sc := s.Scope(S("cluster"), T("envoy_cluster_name", fmt.Sprint("c", i%7)), T("host", fmt.Sprint(i)))
		sc.Counter(fmt.Sprint("m", i%5)).Inc(0)
		sc.Gauge(fmt.Sprint("g", i%3)).Inc(1)
		sc.Histogram(fmt.Sprint("h", i%2), Bytes).Record(0, uint64(i))
	}
	var out bytes.Buffer
	if err := s.WritePrometheus(&out, false); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	current := ""
	for line := range strings.Lines(out.String()) {
		if fam, ok := strings.CutPrefix(line, "# TYPE "); ok {
			fam, _, _ = strings.Cut(fam, " ")
			if seen[fam] {
				t.Fatalf("second TYPE line for %s", fam)
			}
			seen[fam], current = true, fam
			continue
		}
		if !strings.HasPrefix(line, current) {
			t.Fatalf("series %q outside its family %s", line, current)
		}
	}
	if len(seen) != 10 {
		t.Fatalf("%d families, want 10", len(seen))
	}
}

func TestPrometheusEmptyStore(t *testing.T) {
	var out bytes.Buffer
	if err := NewStore(1).WritePrometheus(&out, false); err != nil || out.Len() != 0 {
		t.Fatalf("empty store wrote %q, %v", out.String(), err)
	}
}
