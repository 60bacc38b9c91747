package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/skiffmesh/skiff/filters"
	filterstats "github.com/skiffmesh/skiff/filters/stats"
	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/server"
)

// httpBootstrapYAML is an HTTP listener with the stats filter, routing everything (route "r1") to
// a STATIC cluster of the given endpoints.
func httpBootstrapYAML(backends []string, hostStats bool) string {
	var eps strings.Builder
	for _, b := range backends {
		host, port, _ := net.SplitHostPort(b)
		fmt.Fprintf(&eps, "\n        - endpoint: {address: {socket_address: {address: %q, port_value: %s}}}", host, port)
	}
	return fmt.Sprintf(`
layered_runtime:
  layers:
  - name: static
    static_layer: {skiff.stats.host_level: %t}
static_resources:
  listeners:
  - name: %s
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - name: r1
                match: {prefix: "/"}
                route: {cluster: %s}
          http_filters:
          - name: skiff.stats
            typed_config:
              "@type": type.googleapis.com/xds.type.v3.TypedStruct
              type_url: type.skiff.dev/skiff.filters.stats.v1.Stats
          - name: envoy.filters.http.router
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
  clusters:
  - name: %s
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: %s
      endpoints:
      - lb_endpoints:%s
`, hostStats, listenerName, clusterName, clusterName, clusterName, eps.String())
}

// startHTTPFixture runs a two-loop proxy with the HTTP listener above in front of n backends, with
// host stats on.
func startHTTPFixture(t *testing.T, n int) *fixture { return startHTTPFixtureStats(t, n, true) }

// startHTTPFixtureStats is startHTTPFixture with host stats as the bootstrap says.
func startHTTPFixtureStats(t *testing.T, n int, hostStats bool) *fixture {
	t.Helper()
	var backends []string
	for range n {
		be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "ok")
		}))
		t.Cleanup(be.Close)
		backends = append(backends, strings.TrimPrefix(be.URL, "http://"))
	}
	b, err := config.Parse([]byte(httpBootstrapYAML(backends, hostStats)))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	snap, err := config.Translate(b)
	if err != nil {
		t.Fatalf("translate: %v", err)
	}
	reg := &filters.Registry{}
	filterstats.Register(reg)
	srv, err := server.New(server.Options{Loops: 2, Logger: quietLogger(), Version: testVersion, Filters: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background(), 0) })
	if err := srv.Apply(snap); err != nil {
		t.Fatalf("apply: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, srv: srv, quits: make(chan struct{}, 8)}
	f.listener = srv.ListenerAddrs()[listenerName].String()
	f.startAdmin()
	return f
}

// countHostSeries returns the number of per-host series.
func countHostSeries(fams map[string]*dto.MetricFamily) int {
	n := 0
	for name, fam := range fams {
		if strings.HasPrefix(name, "envoy_cluster_host_") {
			n += len(fam.GetMetric())
		}
	}
	return n
}

// TestHostStatsSwitchUnderLoad flips skiff.stats.host_level at run time while clients send
// requests: no request fails, the cluster-level and filter series keep counting every request,
// and the host series come and go with the switch.
func TestHostStatsSwitchUnderLoad(t *testing.T) {
	f := startHTTPFixture(t, 3)
	var ok, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
			defer client.CloseIdleConnections()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get("http://" + f.listener + "/x")
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
					continue
				}
				ok.Add(1)
			}
		})
	}
	lastTotal := 0.0
	for i := range 6 {
		on := i%2 == 1
		f.post("/runtime_modify?" + server.HostStatsKey + "=" + strconv.FormatBool(on))
		if got := f.runtimeEntries()[server.HostStatsKey].FinalValue; got != strconv.FormatBool(on) {
			t.Fatalf("/runtime says %s = %q after setting %v", server.HostStatsKey, got, on)
		}
		before := ok.Load()
		eventually(t, "traffic after the switch", func() bool { return ok.Load() > before+20 })
		fams := f.promFamilies("")
		total, _ := promValue(fams, "envoy_cluster_upstream_rq_total", "envoy_cluster_name", clusterName)
		if total < lastTotal || total == 0 {
			t.Fatalf("flip %d: upstream_rq_total %v after %v", i, total, lastTotal)
		}
		lastTotal = total
		if n := countHostSeries(fams); (n > 0) != on {
			t.Fatalf("flip %d (host stats %v): %d host series", i, on, n)
		}
	}
	close(stop)
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d of %d requests failed while switching", failed.Load(), failed.Load()+ok.Load())
	}
	want := float64(ok.Load())
	var total, class float64
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		fams := f.promFamilies("")
		total, _ = promValue(fams, "envoy_cluster_upstream_rq_total", "envoy_cluster_name", clusterName)
		class = classSeries(fams, "envoy_http_stats_upstream_rq_xx", "2")
		if total == want && class == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("upstream_rq_total %v, stats filter rq_xx{class 2} %v, want %v\n%s", total, class, want, f.get("/stats?filter=stats"))
}

// classSeries returns the value of the filter's series for route r1, the test cluster and class.
func classSeries(fams map[string]*dto.MetricFamily, family, class string) float64 {
	for _, m := range fams[family].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["envoy_route"] == "r1" && labels["envoy_cluster_name"] == clusterName &&
			labels["envoy_response_code_class"] == class && labels["envoy_http_conn_manager_prefix"] == "ingress_http" {
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

// TestHostSeriesAndClusters checks the per-host series on /stats/prometheus and /clusters after
// traffic, and that switching host stats off removes them.
func TestHostSeriesAndClusters(t *testing.T) {
	f := startHTTPFixture(t, 2)
	client := &http.Client{Timeout: 5 * time.Second}
	for range 10 {
		resp, err := client.Get("http://" + f.listener + "/y")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	client.CloseIdleConnections()
	hosts := f.srv.Clusters().Get(clusterName).Hosts()
	// A request is timed on the loop once its last byte is written, so the
	// client may read the response just before its time is recorded.
	var fams map[string]*dto.MetricFamily
	eventually(t, "every host's rq_time count to reach its rq_total", func() bool {
		fams = f.promFamilies("")
		for _, h := range hosts {
			v, _ := promValue(fams, "envoy_cluster_host_rq_total", "envoy_host_address", h.Addr().String())
			n, _ := promValue(fams, "envoy_cluster_host_rq_time", "envoy_host_address", h.Addr().String())
			if n != v {
				return false
			}
		}
		return true
	})
	var sum float64
	for _, h := range hosts {
		v, ok := promValue(fams, "envoy_cluster_host_rq_total", "envoy_host_address", h.Addr().String())
		if !ok {
			t.Fatalf("no envoy_cluster_host_rq_total for %s", h.Addr())
		}
		sum += v
		if n, _ := promValue(fams, "envoy_cluster_host_rq_time", "envoy_host_address", h.Addr().String()); n != v {
			t.Errorf("%s: rq_time count %v, rq_total %v", h.Addr(), n, v)
		}
		if !strings.Contains(f.get("/clusters"), clusterName+"::"+h.Addr().String()+"::rq_total::"+strconv.Itoa(int(v))) {
			t.Errorf("/clusters lacks rq_total %v for %s", v, h.Addr())
		}
	}
	if sum != 10 {
		t.Errorf("host rq_total sum %v, want 10", sum)
	}
	f.post("/runtime_modify?" + server.HostStatsKey + "=false")
	if n := countHostSeries(f.promFamilies("")); n != 0 {
		t.Errorf("%d host series after switching off", n)
	}
	if strings.Contains(f.get("/clusters"), "::rq_total::") {
		t.Error("/clusters still shows host counters")
	}
}

func TestMemory(t *testing.T) {
	f := startFixture(t)
	var m map[string]string
	if err := json.Unmarshal([]byte(f.get("/memory?gc")), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"allocated", "heap_size", "pageheap_unmapped", "pageheap_free",
		"total_thread_cache", "total_physical_bytes", "resident_bytes", "num_gc"} {
		if v, err := strconv.ParseUint(m[k], 10, 64); err != nil || k == "allocated" && v == 0 {
			t.Errorf("%s = %q", k, m[k])
		}
	}
}

// TestConfigDumpEndpoints checks that /config_dump shows the endpoints the translator dropped
// from the retained protos, rebuilt from the running hosts.
func TestConfigDumpEndpoints(t *testing.T) {
	f := startHTTPFixture(t, 2)
	body := f.get("/config_dump")
	for _, h := range f.srv.Clusters().Get(clusterName).Hosts() {
		port := regexp.MustCompile(`"port_value":\s*` + strconv.Itoa(int(h.Addr().Port())) + `\b`)
		if n := len(port.FindAllString(body, -1)); n < 2 { // the static cluster and the bootstrap
			t.Errorf("/config_dump shows port %d %d times, want 2", h.Addr().Port(), n)
		}
	}
}

// TestHostStatsOffInBootstrap: with skiff.stats.host_level false in the bootstrap's runtime, no
// host has statistics (the runtime is applied before the hosts are built) and /runtime shows the
// key.
func TestHostStatsOffInBootstrap(t *testing.T) {
	f := startHTTPFixtureStats(t, 2, false)
	for _, h := range f.srv.Clusters().Get(clusterName).Hosts() {
		if h.Stats() != nil {
			t.Fatalf("%s has host stats", h.Addr())
		}
	}
	if e := f.runtimeEntries()[server.HostStatsKey]; e.FinalValue != "false" {
		t.Fatalf("/runtime: %+v", e)
	}
	f.post("/runtime_modify?" + server.HostStatsKey + "=true")
	for _, h := range f.srv.Clusters().Get(clusterName).Hosts() {
		if h.Stats() == nil {
			t.Fatalf("%s has no host stats after switching on", h.Addr())
		}
	}
}
