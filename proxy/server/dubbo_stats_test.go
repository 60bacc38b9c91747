package server

import (
	"bytes"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	wire "github.com/skiffmesh/skiff/protocol/dubbo"
	dubboproxy "github.com/skiffmesh/skiff/proxy/dubbo"
)

// statsFilterYAML is the stats filter as a Dubbo filter.
const statsFilterYAML = `
- name: skiff.stats
  config:
    "@type": type.googleapis.com/xds.type.v3.TypedStruct
    type_url: type.skiff.dev/skiff.filters.stats.v1.Stats`

// TestDubboStatsFilter runs calls that succeed and fail through a
// dubbo_proxy with the stats filter and reads the per service, method and
// cluster series from the Prometheus rendering of the store.
func TestDubboStatsFilter(t *testing.T) {
	hello := startProvider(t, "hello", nil)
	greeter := startProvider(t, "greeter", func(r *providerReq) providerReply {
		switch string(r.head.Method) {
		case "hang":
			return replyNone
		case "reset":
			return replyClose
		}
		return replyValue
	})
	routes := `
- name: greeter
  interface: com.foo.Greeter
  routes:
  - match: {method: {name: {exact: hello}}}
    route: {cluster: b}
  - match: {method: {name: {exact: nohost}}}
    route: {cluster: empty}
  - match: {method: {name: {safe_regex: {regex: ".*"}}}}
    route: {cluster: c}`
	clusters := staticCluster("b", "", hello.addr) + "\n" + staticCluster("c", "", greeter.addr) + "\n" +
		staticCluster("empty", "")
	srv, addr := startDubboProxy(t, dubboYAML(routes, statsFilterYAML, clusters), func(sh *dubboproxy.Shared) {
		sh.RequestTimeout = 100 * time.Millisecond
	})

	k := newConsumer(t, addr)
	for id := range uint64(2) {
		if r := k.call(id+1, "hello", nil); r.value != "hello:hello" {
			t.Fatalf("hello: got %+v", r)
		}
	}
	if r := k.call(3, "hi", nil); r.value != "greeter:hi" {
		t.Fatalf("hi: got %+v", r)
	}
	wantStatus(t, k.call(4, "hang", nil), wire.StatusServerTimeout, "timeout")
	wantStatus(t, k.call(5, "nohost", nil), wire.StatusServiceError, "no healthy upstream")
	k.sendTo(6, true, "com.foo.Missing", "find", nil)
	wantStatus(t, k.read(), wire.StatusServiceNotFound, "no route")
	wantStatus(t, k.call(7, "reset", nil), wire.StatusServerError, "upstream reset")
	k.send(8, false, "notify", nil) // one-way: no response, counted as a reset
	eventually(t, "the one-way call at the provider", func() bool { return greeter.requests.Load() >= 4 })
	eventually(t, "no call left", func() bool { return gauge(t, srv, "dubbo.d.request_active") == 0 })

	// service/method/cluster -> class or "reset" -> count
	want := map[string]map[string]float64{
		"com.foo.Greeter/hello/b":      {"2": 2},
		"com.foo.Greeter/hi/c":         {"2": 1},
		"com.foo.Greeter/hang/c":       {"3": 1},
		"com.foo.Greeter/nohost/empty": {"7": 1},
		"com.foo.Missing/find/none":    {"6": 1},
		"com.foo.Greeter/reset/c":      {"8": 1},
		"com.foo.Greeter/notify/c":     {"reset": 1},
	}
	fams, text := dubboStatsFamilies(t, srv)
	got := map[string]map[string]float64{}
	add := func(key, what string, v float64) {
		if got[key] == nil {
			got[key] = map[string]float64{}
		}
		got[key][what] += v
	}
	totals := map[string]float64{}
	for _, m := range fams["envoy_dubbo_stats_upstream_rq_xx"].GetMetric() {
		l := labelMap(m)
		add(dubboSeriesKey(t, l), l["envoy_response_code_class"], m.GetCounter().GetValue())
	}
	for _, m := range fams["envoy_dubbo_stats_upstream_rq_reset"].GetMetric() {
		if v := m.GetCounter().GetValue(); v > 0 {
			add(dubboSeriesKey(t, labelMap(m)), "reset", v)
		}
	}
	for _, m := range fams["envoy_dubbo_stats_upstream_rq_total"].GetMetric() {
		totals[dubboSeriesKey(t, labelMap(m))] = m.GetCounter().GetValue()
	}
	times := map[string]uint64{}
	for _, m := range fams["envoy_dubbo_stats_upstream_rq_time"].GetMetric() {
		times[dubboSeriesKey(t, labelMap(m))] = m.GetHistogram().GetSampleCount()
	}
	for key, classes := range want {
		var n float64
		for class, v := range classes {
			n += v
			if got[key][class] != v {
				t.Errorf("%s class %s = %v, want %v", key, class, got[key][class], v)
			}
		}
		if totals[key] != n {
			t.Errorf("%s upstream_rq_total = %v, want %v", key, totals[key], n)
		}
		if times[key] != uint64(n) {
			t.Errorf("%s upstream_rq_time samples = %d, want %v", key, times[key], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("series %v, want %d", sortedKeys(got), len(want))
	}
	if t.Failed() {
		t.Logf("rendered:\n%s", text)
	}

	// The dotted names keep the tagged segments whole.
	if n := counter(t, srv, "dubbo.d.stats.com.foo.Greeter.hello.b.upstream_rq_2xx"); n != 2 {
		t.Errorf("dubbo.d.stats.com.foo.Greeter.hello.b.upstream_rq_2xx = %d, want 2", n)
	}
}

// dubboStatsFamilies renders srv's store as Prometheus text and parses it.
func dubboStatsFamilies(t *testing.T, srv *Server) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	var b bytes.Buffer
	if err := srv.Stats().WritePrometheus(&b, false); err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b.String())
	}
	return fams, b.String()
}

func labelMap(m *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, p := range m.GetLabel() {
		l[p.GetName()] = p.GetValue()
	}
	return l
}

// dubboSeriesKey is "service/method/cluster" of a series of listener prefix d.
func dubboSeriesKey(t *testing.T, l map[string]string) string {
	t.Helper()
	if l["envoy_dubbo_prefix"] != "d" {
		t.Errorf("series %v: envoy_dubbo_prefix is not d", l)
	}
	return strings.Join([]string{l["envoy_dubbo_service"], l["envoy_dubbo_method"], l["envoy_cluster_name"]}, "/")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
