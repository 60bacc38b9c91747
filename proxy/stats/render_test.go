package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sampleStore returns a store with a few stats of each kind, some never written.
func sampleStore() *Store {
	s := NewStore(2)
	cl := s.Scope(S("cluster"), T("envoy_cluster_name", "outbound|80||a.b"))
	cl.Counter("upstream_cx_total").Add(0, 3)
	cl.Counter("upstream_rq_total") // unused
	cl.Gauge("upstream_cx_active").Inc(1)
	cl.Gauge("membership_total") // unused
	cl.Histogram("upstream_rq_time", Milliseconds).RecordDuration(0, 300*time.Microsecond)
	cl.Histogram("upstream_cx_length_ms", Milliseconds) // unused
	srv := s.Scope(S("server"))
	srv.Gauge("live").Set(1)
	srv.Counter("envoy_bug_failures").Add(Shared, 0) // written with zero: used
	return s
}

func TestWriteText(t *testing.T) {
	const quantiles05 = "P0(nan,0) P25(nan,0.125) P50(nan,0.25) P75(nan,0.375) P90(nan,0.45) " +
		"P95(nan,0.475) P99(nan,0.495) P99.5(nan,0.4975) P99.9(nan,0.4995) P100(nan,0.5)"
	const empty = "P0(nan,nan) P25(nan,nan) P50(nan,nan) P75(nan,nan) P90(nan,nan) P95(nan,nan) " +
		"P99(nan,nan) P99.5(nan,nan) P99.9(nan,nan) P100(nan,nan)"
	tests := []struct {
		name     string
		filter   string
		usedOnly bool
		want     string
	}{
		{
			name: "all",
			want: `cluster.outbound|80||a.b.membership_total: 0
cluster.outbound|80||a.b.upstream_cx_active: 1
cluster.outbound|80||a.b.upstream_cx_total: 3
cluster.outbound|80||a.b.upstream_rq_total: 0
server.envoy_bug_failures: 0
server.live: 1
cluster.outbound|80||a.b.upstream_cx_length_ms: ` + empty + `
cluster.outbound|80||a.b.upstream_rq_time: ` + quantiles05 + "\n",
		},
		{
			name:     "used only",
			usedOnly: true,
			want: `cluster.outbound|80||a.b.upstream_cx_active: 1
cluster.outbound|80||a.b.upstream_cx_total: 3
server.envoy_bug_failures: 0
server.live: 1
cluster.outbound|80||a.b.upstream_rq_time: ` + quantiles05 + "\n",
		},
		{
			name:   "filter",
			filter: `upstream_(cx|rq)_t`,
			want: `cluster.outbound|80||a.b.upstream_cx_total: 3
cluster.outbound|80||a.b.upstream_rq_total: 0
cluster.outbound|80||a.b.upstream_rq_time: ` + quantiles05 + "\n",
		},
		{
			name:     "filter and used only",
			filter:   `^server\.`,
			usedOnly: true,
			want:     "server.envoy_bug_failures: 0\nserver.live: 1\n",
		},
	}
	s := sampleStore()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var filter *regexp.Regexp
			if tt.filter != "" {
				filter = regexp.MustCompile(tt.filter)
			}
			var b bytes.Buffer
			if err := s.WriteText(&b, filter, tt.usedOnly); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// envoyJSON is the shape of Envoy's /stats?format=json.
type envoyJSON struct {
	Stats []struct {
		Name       string   `json:"name"`
		Value      *float64 `json:"value"`
		Histograms *struct {
			Supported []float64 `json:"supported_quantiles"`
			Computed  []struct {
				Name   string `json:"name"`
				Values []struct {
					Interval   *float64 `json:"interval"`
					Cumulative *float64 `json:"cumulative"`
				} `json:"values"`
			} `json:"computed_quantiles"`
		} `json:"histograms"`
	} `json:"stats"`
}

func TestWriteJSON(t *testing.T) {
	s := sampleStore()
	var b bytes.Buffer
	if err := s.WriteJSON(&b, nil, false); err != nil {
		t.Fatal(err)
	}
	var got envoyJSON
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON %s: %v", b.String(), err)
	}
	if len(got.Stats) != 7 {
		t.Fatalf("%d elements, want 6 stats and the histograms: %s", len(got.Stats), b.String())
	}
	if st := got.Stats[2]; st.Name != "cluster.outbound|80||a.b.upstream_cx_total" || *st.Value != 3 {
		t.Errorf("stats[2] = %s %v", st.Name, *st.Value)
	}
	h := got.Stats[6].Histograms
	if h == nil || len(h.Supported) != numQuantiles || len(h.Computed) != 2 {
		t.Fatalf("histograms element: %s", b.String())
	}
	rq := h.Computed[1]
	if rq.Name != "cluster.outbound|80||a.b.upstream_rq_time" || len(rq.Values) != numQuantiles {
		t.Fatalf("computed[1] = %+v", rq)
	}
	if v := rq.Values[9]; v.Interval != nil || v.Cumulative == nil || *v.Cumulative != 0.5 {
		t.Errorf("P100 = %+v, want interval null, cumulative 0.5", v)
	}
	if h.Computed[0].Values[0].Cumulative != nil {
		t.Error("empty histogram must report null quantiles")
	}
}

func TestWriteJSONFilteredAndEscaped(t *testing.T) {
	s := NewStore(1)
	s.Scope(S("a"), T("t", "q\"\\\x01\xff")).Counter("c").Inc(0)
	s.Scope(S("b")).Counter("c").Inc(0)
	var b bytes.Buffer
	if err := s.WriteJSON(&b, regexp.MustCompile(`^a\.`), true); err != nil {
		t.Fatal(err)
	}
	var got envoyJSON
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON %s: %v", b.String(), err)
	}
	if len(got.Stats) != 1 || got.Stats[0].Name != "a.q\"\\\x01\uFFFD.c" {
		t.Fatalf("got %s", b.String())
	}
}

type failingWriter struct{}

var errWrite = errors.New("closed")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteErrors(t *testing.T) {
	s := sampleStore()
	writers := map[string]func() error{
		"text":       func() error { return s.WriteText(failingWriter{}, nil, false) },
		"json":       func() error { return s.WriteJSON(failingWriter{}, nil, false) },
		"prometheus": func() error { return s.WritePrometheus(failingWriter{}, false) },
	}
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			err := write()
			if !errors.Is(err, errWrite) || !strings.HasPrefix(err.Error(), "stats: ") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
