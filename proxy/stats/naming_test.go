package stats

import (
	"bytes"
	"strings"
	"testing"
)

func TestNaming(t *testing.T) {
	tests := []struct {
		name   string
		scope  []Segment
		child  []Segment
		stat   string
		dotted string
		prom   string // series without value
	}{
		{
			name:   "plain",
			scope:  []Segment{S("cluster"), S("x")},
			stat:   "upstream_cx_total",
			dotted: "cluster.x.upstream_cx_total",
			prom:   "envoy_cluster_x_upstream_cx_total",
		},
		{
			name:   "dots split plain segments",
			scope:  []Segment{S("a.b")},
			stat:   "c.d",
			dotted: "a.b.c.d",
			prom:   "envoy_a_b_c_d",
		},
		{
			name:   "empty pieces dropped",
			scope:  []Segment{S("a..b."), S("")},
			stat:   ".c",
			dotted: "a.b.c",
			prom:   "envoy_a_b_c",
		},
		{
			name:   "tag keeps dots",
			scope:  []Segment{S("cluster"), T("envoy_cluster_name", "outbound|80||a.b")},
			stat:   "upstream_cx_total",
			dotted: "cluster.outbound|80||a.b.upstream_cx_total",
			prom:   `envoy_cluster_upstream_cx_total{envoy_cluster_name="outbound|80||a.b"}`,
		},
		{
			name:   "child scope",
			scope:  []Segment{S("listener")},
			child:  []Segment{T("envoy_listener_address", "0.0.0.0_15006"), S("downstream")},
			stat:   "cx_total",
			dotted: "listener.0.0.0.0_15006.downstream.cx_total",
			prom:   `envoy_listener_downstream_cx_total{envoy_listener_address="0.0.0.0_15006"}`,
		},
		{
			name:   "sanitised metric name",
			scope:  []Segment{S("http.in-8080"), S("ü")},
			stat:   "rq_2xx",
			dotted: "http.in-8080.ü.rq_2xx",
			prom:   "envoy_http_in_8080____rq_2xx",
		},
		{
			name:   "label value escaped",
			scope:  []Segment{S("a"), T("path", "x\"y\\z\nw")},
			stat:   "n",
			dotted: "a.x\"y\\z\nw.n",
			prom:   `envoy_a_n{path="x\"y\\z\nw"}`,
		},
		{
			name:   "label name sanitised",
			scope:  []Segment{S("a"), T("9.x-y", "v")},
			stat:   "n",
			dotted: "a.v.n",
			prom:   `envoy_a_n{_9_x_y="v"}`,
		},
		{
			name:   "repeated tag keeps first",
			scope:  []Segment{S("a"), T("k", "1"), T("k", "2")},
			stat:   "n",
			dotted: "a.1.2.n",
			prom:   `envoy_a_n{k="1"}`,
		},
		{
			name:   "tags in order",
			scope:  []Segment{S("a"), T("z", "1"), S("b"), T("y", "2")},
			stat:   "n",
			dotted: "a.1.b.2.n",
			prom:   `envoy_a_b_n{z="1",y="2"}`,
		},
		{
			name:   "empty tag value",
			scope:  []Segment{S("a"), T("k", "")},
			stat:   "n",
			dotted: "a..n",
			prom:   `envoy_a_n{k=""}`,
		},
		{
			name:   "empty tag name is plain",
			scope:  []Segment{T("", "a.b")},
			stat:   "n",
			dotted: "a.b.n",
			prom:   "envoy_a_b_n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(1)
			sc := s.Scope(tt.scope...)
			if tt.child != nil {
				sc = sc.Scope(tt.child...)
			}
			sc.Counter(tt.stat).Add(0, 3)
			if v, ok := s.CounterValue(tt.dotted); !ok || v != 3 {
				t.Errorf("CounterValue(%q) = %d, %v; want 3, true", tt.dotted, v, ok)
			}
			var text bytes.Buffer
			if err := s.WriteText(&text, nil, false); err != nil {
				t.Fatal(err)
			}
			if got, want := text.String(), tt.dotted+": 3\n"; got != want {
				t.Errorf("text = %q, want %q", got, want)
			}
			var prom bytes.Buffer
			if err := s.WritePrometheus(&prom, false); err != nil {
				t.Fatal(err)
			}
			family, _, _ := strings.Cut(tt.prom, "{")
			want := "# TYPE " + family + " counter\n" + tt.prom + " 3\n"
			if prom.String() != want {
				t.Errorf("prometheus =\n%s\nwant\n%s", prom.String(), want)
			}
		})
	}
}

func TestSameNameSameStat(t *testing.T) {
	s := NewStore(2)
	a := s.Scope(S("cluster"), S("x")).Counter("upstream_cx_total")
	b := s.Scope(S("cluster")).Counter("x.upstream_cx_total")
	c := s.Scope(S("cluster")).Scope(S("x")).Counter("upstream_cx_total")
	if a != b || a != c {
		t.Fatalf("same full name gave different counters: %p %p %p", a, b, c)
	}
	tagged := s.Scope(S("cluster"), T("name", "x")).Counter("upstream_cx_total")
	if tagged == a {
		t.Fatal("tag segment and plain segment gave the same counter")
	}
	g := s.Scope(S("cluster"), S("x")).Gauge("upstream_cx_total")
	g.Set(7)
	a.Inc(0)
	if a.Value() != 1 || g.Value() != 7 {
		t.Fatalf("counter %d, gauge %d: kinds must not share values", a.Value(), g.Value())
	}
}
