package stats

import (
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

func TestResponseCode(t *testing.T) {
	tests := []struct {
		seg, base, tag, val string
	}{
		{"upstream_rq_2xx", "upstream_rq_xx", tagResponseCodeClass, "2"},
		{"downstream_rq_5xx", "downstream_rq_xx", tagResponseCodeClass, "5"},
		{"upstream_rq_503", "upstream_rq", tagResponseCode, "503"},
		{"rq_2xx", "rq_2xx", "", ""}, // Envoy's rules need "_rq_"
		{"upstream_rq_total", "upstream_rq_total", "", ""},
		{"upstream_rq_20", "upstream_rq_20", "", ""},
		{"upstream_rq_2000", "upstream_rq_2000", "", ""},
		{"upstream_rq_axx", "upstream_rq_axx", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.seg, func(t *testing.T) {
			base, tag, val, ok := responseCode(tc.seg)
			if base != tc.base || tag != tc.tag || val != tc.val || ok != (tc.tag != "") {
				t.Errorf("responseCode(%q) = %q %q %q %v", tc.seg, base, tag, val, ok)
			}
		})
	}
}

// TestPrometheusEnvoyTags checks the series Envoy's default tag rules give, parsed by the
// Prometheus text parser: cluster, connection manager and listener tags, response codes and
// classes, and the series of a Source (per-host statistics).
func TestPrometheusEnvoyTags(t *testing.T) {
	s := NewStore(1)
	cl := s.Scope(S("cluster"), T("envoy_cluster_name", "outbound|80||a.svc"))
	cl.Counter("upstream_rq_2xx").Add(0, 4)
	cl.Counter("upstream_rq_200").Add(0, 4)
	cl.Counter("upstream_rq_503").Inc(0)
	hcm := s.Scope(S("http"), T("envoy_http_conn_manager_prefix", "ingress"))
	hcm.Counter("downstream_rq_5xx").Inc(0)
	s.Scope(S("listener"), T("envoy_listener_address", "0.0.0.0_15006")).Counter("downstream_cx_total").Inc(0)
	remove := s.AddSource(sourceFunc(func(w *PromWriter, _ bool) {
		if w.CounterFamily("envoy_cluster_host_rq_total") {
			w.Counter([]Label{{"envoy_cluster_name", "a"}, {"envoy_host_address", "10.0.0.1:80"}}, 7)
		}
		if w.CounterFamily("envoy_cluster_upstream_rq_xx") { // the store has it: skipped
			w.Counter(nil, 1)
		}
		if w.GaugeFamily("envoy_cluster_host_cx_active") {
			w.Gauge([]Label{{"envoy_host_address", `x"y`}}, -2)
		}
		var d Durations
		d.Record(300 * time.Microsecond)
		d.Record(2 * time.Second)
		if w.HistogramFamily("envoy_cluster_host_rq_time") {
			w.Histogram([]Label{{"envoy_host_address", "10.0.0.1:80"}}, &d)
		}
	}))
	fams, text := parseProm(t, s, false)
	want := map[string]map[string]float64{
		"envoy_cluster_upstream_rq_xx": {"envoy_cluster_name=outbound|80||a.svc,envoy_response_code_class=2": 4},
		"envoy_cluster_upstream_rq": {
			"envoy_cluster_name=outbound|80||a.svc,envoy_response_code=200": 4,
			"envoy_cluster_name=outbound|80||a.svc,envoy_response_code=503": 1,
		},
		"envoy_http_downstream_rq_xx":        {"envoy_http_conn_manager_prefix=ingress,envoy_response_code_class=5": 1},
		"envoy_listener_downstream_cx_total": {"envoy_listener_address=0.0.0.0_15006": 1},
		"envoy_cluster_host_rq_total":        {"envoy_cluster_name=a,envoy_host_address=10.0.0.1:80": 7},
		"envoy_cluster_host_cx_active":       {`envoy_host_address=x"y`: -2},
		"envoy_cluster_host_rq_time":         {"envoy_host_address=10.0.0.1:80": 2},
	}
	for fam, series := range want {
		f := fams[fam]
		if f == nil {
			t.Errorf("family %s missing:\n%s", fam, text)
			continue
		}
		got := map[string]float64{}
		for _, m := range f.GetMetric() {
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				got[labelsOf(m)] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				got[labelsOf(m)] = m.GetGauge().GetValue()
			default:
				got[labelsOf(m)] = float64(m.GetHistogram().GetSampleCount())
				if sum := m.GetHistogram().GetSampleSum(); sum != 2000.3 {
					t.Errorf("%s sum = %v, want 2000.3", fam, sum)
				}
			}
		}
		if len(got) != len(series) {
			t.Errorf("%s: %v, want %v", fam, got, series)
		}
		for l, v := range series {
			if got[l] != v {
				t.Errorf("%s{%s} = %v, want %v", fam, l, got[l], v)
			}
		}
	}
	if _, ok := s.CounterValue("cluster.outbound|80||a.svc.upstream_rq_2xx"); !ok {
		t.Error("dotted name lost its code")
	}
	remove()
	if fams, _ = parseProm(t, s, false); fams["envoy_cluster_host_rq_total"] != nil {
		t.Error("removed source still rendered")
	}
}

type sourceFunc func(w *PromWriter, usedOnly bool)

func (f sourceFunc) WritePrometheus(w *PromWriter, usedOnly bool) { f(w, usedOnly) }

func TestDurations(t *testing.T) {
	var d Durations
	for _, ms := range []float64{0.2, 0.7, 3, 3, 40000} {
		d.Record(time.Duration(ms * float64(time.Millisecond)))
	}
	d.Record(-time.Second) // counts as zero
	if d.Count() != 6 {
		t.Fatalf("count %d", d.Count())
	}
	if q := d.Quantile(50); q < 1 || q > 5 {
		t.Errorf("p50 = %v ms, want within (1, 5]", q)
	}
}
