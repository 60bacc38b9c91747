package admin

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestStatsText(t *testing.T) {
	f := startFixture(t)
	cxTotal := "cluster." + clusterName + ".upstream_cx_total: 0"
	tests := []struct {
		name   string
		query  string
		code   int
		has    []string
		hasNot []string
		check  func(t *testing.T, body string)
	}{
		{
			name: "all", query: "", code: http.StatusOK,
			has: []string{cxTotal, "server.live: 1", "server.concurrency: 1", "tcp." + tcpPrefix + ".downstream_cx_total: 0"},
			check: func(t *testing.T, body string) {
				// Counters and gauges sorted by name, then the histograms.
				ls := lines(body)
				i := slices.IndexFunc(ls, func(l string) bool { return strings.Contains(l, ": P0(") })
				if i < 0 {
					t.Fatal("no histogram lines")
				}
				if !slices.IsSorted(ls[:i]) || !slices.IsSorted(ls[i:]) ||
					slices.ContainsFunc(ls[i:], func(l string) bool { return !strings.Contains(l, ": P0(") }) {
					t.Error("lines are not counters and gauges by name, then histograms by name")
				}
			},
		},
		{
			name: "filter", query: `?filter=^cluster\.backend\.upstream_cx_(total|active)$`, code: http.StatusOK,
			check: func(t *testing.T, body string) {
				want := []string{"cluster.backend.upstream_cx_active: 0", cxTotal}
				if got := lines(body); !slices.Equal(got, want) {
					t.Errorf("got %q, want %q", got, want)
				}
			},
		},
		{
			name: "filter matches nothing", query: "?filter=^nothing$", code: http.StatusOK,
			check: func(t *testing.T, body string) {
				if body != "" {
					t.Errorf("got %q, want an empty answer", body)
				}
			},
		},
		{name: "bad filter", query: "?filter=(", code: http.StatusBadRequest, has: []string{"invalid filter regex"}},
		{
			name: "usedonly", query: "?usedonly", code: http.StatusOK,
			has: []string{"server.live: 1"}, hasNot: []string{cxTotal},
		},
		{
			name: "usedonly with filter", query: `?usedonly&filter=^server\.`, code: http.StatusOK,
			has: []string{"server.live: 1"}, hasNot: []string{"cluster."},
		},
		{name: "unknown format", query: "?format=xml", code: http.StatusBadRequest, has: []string{"unknown format"}},
		{
			name: "format=prometheus", query: "?format=prometheus", code: http.StatusOK,
			has: []string{"# TYPE envoy_cluster_upstream_cx_total counter"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := f.do(http.MethodGet, "/stats"+tt.query)
			if code != tt.code {
				t.Fatalf("status %d, want %d: %s", code, tt.code, body)
			}
			for _, s := range tt.has {
				if !strings.Contains(body, s) {
					t.Errorf("answer lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(body, s) {
					t.Errorf("answer has %q:\n%s", s, body)
				}
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}

// statsJSON decodes /stats?format=json into name -> value for counters and
// gauges, reporting whether a histograms element was present.
func statsJSON(t *testing.T, body string) (map[string]float64, bool) {
	t.Helper()
	var doc struct {
		Stats []json.RawMessage `json:"stats"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	out := map[string]float64{}
	hist := false
	for _, raw := range doc.Stats {
		var e struct {
			Name       *string         `json:"name"`
			Value      float64         `json:"value"`
			Histograms json.RawMessage `json:"histograms"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("stats element %s: %v", raw, err)
		}
		switch {
		case e.Name != nil:
			out[*e.Name] = e.Value
		case e.Histograms != nil:
			hist = true
		default:
			t.Fatalf("stats element %s is neither a stat nor histograms", raw)
		}
	}
	return out, hist
}

func TestStatsJSON(t *testing.T) {
	f := startFixture(t)
	tests := []struct {
		name     string
		query    string
		want     map[string]float64
		absent   []string
		wantHist bool
	}{
		{"all", "?format=json", map[string]float64{
			"cluster.backend.upstream_cx_total": 0, "server.live": 1, "cluster.backend.membership_total": 1,
		}, nil, true},
		{"filter", `?format=json&filter=^cluster\.backend\.membership`, map[string]float64{
			"cluster.backend.membership_total": 1, "cluster.backend.membership_healthy": 1,
		}, []string{"server.live"}, false},
		{"usedonly", "?format=json&usedonly", map[string]float64{"server.live": 1},
			[]string{"cluster.backend.upstream_cx_total"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, h := f.doHeader(http.MethodGet, "/stats"+tt.query)
			if code != http.StatusOK || h.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, content type %q", code, h.Get("Content-Type"))
			}
			got, hist := statsJSON(t, body)
			for k, v := range tt.want {
				if gv, ok := got[k]; !ok || gv != v {
					t.Errorf("%s = %v (present %v), want %v", k, gv, ok, v)
				}
			}
			for _, k := range tt.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s present, want it filtered out", k)
				}
			}
			if hist != tt.wantHist {
				t.Errorf("histograms element present = %v, want %v", hist, tt.wantHist)
			}
		})
	}
}

// promFamilies fetches /stats/prometheus and parses it with the Prometheus
// text parser.
func (f *fixture) promFamilies(query string) map[string]*dto.MetricFamily {
	f.t.Helper()
	code, body, h := f.doHeader(http.MethodGet, "/stats/prometheus"+query)
	if code != http.StatusOK {
		f.t.Fatalf("status %d: %s", code, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		f.t.Errorf("Content-Type = %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		f.t.Fatalf("parse: %v\n%s", err, body)
	}
	return fams
}

// promValue returns the value of the series of family name whose label
// label equals value, and whether it exists.
func promValue(fams map[string]*dto.MetricFamily, name, label, value string) (float64, bool) {
	for _, m := range fams[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() != label || l.GetValue() != value {
				continue
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue(), true
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue(), true
			case m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func TestStatsPrometheus(t *testing.T) {
	f := startFixture(t)
	fams := f.promFamilies("")
	fam := fams["envoy_cluster_upstream_cx_total"]
	if fam.GetType() != dto.MetricType_COUNTER {
		t.Fatalf("envoy_cluster_upstream_cx_total: %v, want a counter family", fam)
	}
	if v, ok := promValue(fams, "envoy_cluster_upstream_cx_total", "envoy_cluster_name", clusterName); !ok || v != 0 {
		t.Fatalf("envoy_cluster_upstream_cx_total{envoy_cluster_name=%q} = %v (present %v), want 0", clusterName, v, ok)
	}
	if g := fams["envoy_server_live"]; g.GetType() != dto.MetricType_GAUGE || g.GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Fatalf("envoy_server_live = %v, want gauge 1", g)
	}
	if h := fams["envoy_cluster_upstream_cx_connect_ms"]; h.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("envoy_cluster_upstream_cx_connect_ms = %v, want a histogram", h)
	}

	used := f.promFamilies("?usedonly")
	if _, ok := used["envoy_server_live"]; !ok {
		t.Error("?usedonly dropped envoy_server_live")
	}
	if _, ok := promValue(used, "envoy_cluster_upstream_cx_total", "envoy_cluster_name", clusterName); ok {
		t.Error("?usedonly kept a counter never written")
	}
}
