package stats

// These tests parse the output with the Prometheus text parser.

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func parseProm(t *testing.T, s *Store, usedOnly bool) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	var b bytes.Buffer
	if err := s.WritePrometheus(&b, usedOnly); err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b.String())
	}
	return fams, b.String()
}

func labelsOf(m *dto.Metric) string {
	var parts []string
	for _, l := range m.GetLabel() {
		parts = append(parts, l.GetName()+"="+l.GetValue())
	}
	return strings.Join(parts, ",")
}

func TestPrometheusParses(t *testing.T) {
	s := NewStore(2)
	// Interleave creation so that series of one family come from different scopes.
	a := s.Scope(S("cluster"), T("envoy_cluster_name", "outbound|80||a.b"))
	srv := s.Scope(S("server"))
	b := s.Scope(S("cluster"), T("envoy_cluster_name", `in"b\`))
	a.Counter("upstream_cx_total").Add(0, 3)
	srv.Gauge("live").Set(1)
	b.Counter("upstream_cx_total").Add(1, 5)
	a.Gauge("upstream_cx_active").Dec(0)
	h := a.Histogram("upstream_rq_time", Milliseconds)
	h.RecordDuration(0, 300*time.Microsecond)
	h.Record(1, 7)
	h.Record(Shared, 1<<40)
	b.Histogram("upstream_rq_time", Milliseconds)
	a.Scope(T("host", "10.0.0.1:80")).Counter("rq_total").Inc(0)

	fams, text := parseProm(t, s, false)
	tests := []struct {
		family string
		typ    dto.MetricType
		series map[string]float64 // labels -> value (histograms: sample count)
	}{
		{"envoy_cluster_upstream_cx_total", dto.MetricType_COUNTER, map[string]float64{
			"envoy_cluster_name=outbound|80||a.b": 3, `envoy_cluster_name=in"b\`: 5}},
		{"envoy_cluster_upstream_cx_active", dto.MetricType_GAUGE, map[string]float64{
			"envoy_cluster_name=outbound|80||a.b": -1}},
		{"envoy_server_live", dto.MetricType_GAUGE, map[string]float64{"": 1}},
		{"envoy_cluster_rq_total", dto.MetricType_COUNTER, map[string]float64{
			"envoy_cluster_name=outbound|80||a.b,host=10.0.0.1:80": 1}},
		{"envoy_cluster_upstream_rq_time", dto.MetricType_HISTOGRAM, map[string]float64{
			"envoy_cluster_name=outbound|80||a.b": 3, `envoy_cluster_name=in"b\`: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.family, func(t *testing.T) {
			f := fams[tt.family]
			if f == nil || f.GetType() != tt.typ {
				t.Fatalf("family missing or wrong type: %v\n%s", f, text)
			}
			got := map[string]float64{}
			for _, m := range f.GetMetric() {
				switch tt.typ {
				case dto.MetricType_COUNTER:
					got[labelsOf(m)] = m.GetCounter().GetValue()
				case dto.MetricType_GAUGE:
					got[labelsOf(m)] = m.GetGauge().GetValue()
				default:
					got[labelsOf(m)] = float64(m.GetHistogram().GetSampleCount())
				}
			}
			if len(got) != len(tt.series) {
				t.Fatalf("series %v, want %v", got, tt.series)
			}
			for l, v := range tt.series {
				if got[l] != v {
					t.Errorf("%s{%s} = %v, want %v", tt.family, l, got[l], v)
				}
			}
		})
	}
	if len(fams) != len(tests) {
		t.Errorf("%d families, want %d:\n%s", len(fams), len(tests), text)
	}
}

func TestPrometheusHistogram(t *testing.T) {
	s := NewStore(1)
	h := s.Scope(S("http"), T("envoy_http_conn_manager_prefix", "in")).Histogram("downstream_rq_time", Milliseconds)
	h.RecordDuration(0, 300*time.Microsecond) // le 0.5
	h.Record(0, 7)                            // le 10
	h.Record(Shared, 1<<40)                   // +Inf
	fams, text := parseProm(t, s, true)
	m := fams["envoy_http_downstream_rq_time"].GetMetric()[0].GetHistogram()
	wantCum := map[float64]uint64{0.5: 1, 1: 1, 5: 1, 10: 2, 3600000: 2, math.Inf(1): 3}
	if len(m.GetBucket()) != numBounds+1 {
		t.Fatalf("%d buckets, want %d:\n%s", len(m.GetBucket()), numBounds+1, text)
	}
	for _, b := range m.GetBucket() {
		if want, ok := wantCum[b.GetUpperBound()]; ok && b.GetCumulativeCount() != want {
			t.Errorf("le=%v: %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
		}
	}
	if m.GetSampleCount() != 3 || m.GetSampleSum() != 0.3+7+float64(1<<40) {
		t.Errorf("count %d sum %v", m.GetSampleCount(), m.GetSampleSum())
	}
	if !strings.Contains(text, `le="3600000"`) || !strings.Contains(text, `le="+Inf"} 3`) {
		t.Errorf("bucket labels:\n%s", text)
	}
}

func TestPrometheusUsedOnlyAndConflicts(t *testing.T) {
	s := NewStore(1)
	s.Scope(S("a")).Counter("b").Inc(0)
	s.Scope(S("a")).Counter("unused")
	s.Scope(S("a")).Gauge("b").Inc(0)     // same family as the counter: dropped
	s.Scope(S("a-b")).Counter("c").Inc(0) // sanitises to the same family as a.b.c
	s.Scope(S("a")).Counter("b.c").Inc(0)
	fams, text := parseProm(t, s, true)
	if _, ok := fams["envoy_a_unused"]; ok {
		t.Errorf("unused counter rendered:\n%s", text)
	}
	if f := fams["envoy_a_b"]; f.GetType() != dto.MetricType_COUNTER || len(f.GetMetric()) != 1 {
		t.Errorf("envoy_a_b = %v", f)
	}
	if strings.Count(text, "# TYPE envoy_a_b_c ") != 1 {
		t.Errorf("family split:\n%s", text)
	}
	fams, _ = parseProm(t, s, false)
	if _, ok := fams["envoy_a_unused"]; !ok {
		t.Error("unused counter missing without usedOnly")
	}
}
