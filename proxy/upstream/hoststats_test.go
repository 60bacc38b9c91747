package upstream

import (
	"bytes"
	"fmt"
	"maps"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

func TestHostIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(Host{}); n > 48 {
		t.Errorf("Host is %d bytes, want at most 48 (a size class of its own)", n)
	}
	if n := unsafe.Sizeof(HostStats{}); n > 224 {
		t.Errorf("HostStats is %d bytes, want at most 224", n)
	}
}

func TestHostActiveCounts(t *testing.T) {
	h := &Host{}
	h.ConnOpened()
	h.ConnOpened()
	h.RequestStarted()
	h.ConnClosed()
	if h.ActiveConnections() != 1 || h.ActiveRequests() != 1 || h.idle() {
		t.Fatalf("cx %d rq %d", h.ActiveConnections(), h.ActiveRequests())
	}
	h.RequestDone(true, false)
	h.ConnClosed()
	if h.ActiveConnections() != 0 || h.ActiveRequests() != 0 || !h.idle() {
		t.Fatalf("cx %d rq %d", h.ActiveConnections(), h.ActiveRequests())
	}
}

// promHostSeries renders the store and returns the per-host families, parsed by the Prometheus
// text parser, and the number of host series.
func promHostSeries(t *testing.T, s *stats.Store) (map[string]float64, int) {
	t.Helper()
	var b bytes.Buffer
	if err := s.WritePrometheus(&b, false); err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b.String())
	}
	out, n := map[string]float64{}, 0
	for name, f := range fams {
		if !strings.HasPrefix(name, "envoy_cluster_host_") {
			continue
		}
		for _, m := range f.GetMetric() {
			n++
			var host, cluster string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "envoy_host_address":
					host = l.GetValue()
				case "envoy_cluster_name":
					cluster = l.GetValue()
				}
			}
			key := fmt.Sprintf("%s{%s,%s}", name, cluster, host)
			switch {
			case m.GetCounter() != nil:
				out[key] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				out[key] = m.GetGauge().GetValue()
			default:
				out[key] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out, n
}

func TestHostSeriesOnPrometheus(t *testing.T) {
	store := stats.NewStore(1)
	m := newTestManager(t, ManagerOptions{Loops: 1, Stats: store, HostStats: true})
	m.Apply([]*config.Cluster{translate(t, clusterProto("a", threeHosts(1, 1, 1)))})
	h := m.Get("a").Hosts()[1]
	h.ConnOpened()
	h.RequestStarted()
	h.RequestTime(3 * time.Millisecond)
	h.RequestDone(false, true)
	got, n := promHostSeries(t, store)
	addr := h.Addr().String()
	for fam, want := range map[string]float64{
		"envoy_cluster_host_cx_total": 1, "envoy_cluster_host_cx_active": 1, "envoy_cluster_host_rq_total": 1,
		"envoy_cluster_host_rq_timeout": 1, "envoy_cluster_host_rq_error": 1, "envoy_cluster_host_rq_active": 0,
		"envoy_cluster_host_rq_success": 0, "envoy_cluster_host_cx_connect_fail": 0, "envoy_cluster_host_rq_time": 1,
	} {
		if v, ok := got[fmt.Sprintf("%s{a,%s}", fam, addr)]; !ok || v != want {
			t.Errorf("%s{a,%s} = %v (present %v), want %v", fam, addr, v, ok, want)
		}
	}
	if n != 9 {
		t.Errorf("%d host series, want 9 (only the used host): %v", n, got)
	}
	m.SetHostStats(false)
	if _, n := promHostSeries(t, store); n != 0 {
		t.Errorf("%d host series with host stats off, want 0", n)
	}
}

// TestHostStatsOffFreesMemory switches host stats off on many hosts and checks that their memory
// is given back, not just hidden.
func TestHostStatsOffFreesMemory(t *testing.T) {
	const n = 20000
	eps := make([]ep, n)
	for i := range eps {
		eps[i] = ep{addr: fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), port: 80}
	}
	cfg := translate(t, clusterProto("big", eps))
	m := newTestManager(t, ManagerOptions{Loops: 1, HostStats: true})
	m.Apply([]*config.Cluster{cfg})
	on := heapInUse()
	m.SetHostStats(false)
	off := heapInUse()
	perHost := (float64(on) - float64(off)) / n
	if perHost < 150 {
		t.Errorf("switching off freed %.0f B per host, want at least 150 (HostStats)", perHost)
	}
	m.SetHostStats(true)
	if again := heapInUse(); float64(again-off)/n < 150 {
		t.Errorf("switching on again took %.0f B per host", float64(again-off)/n)
	}
	runtime.KeepAlive(m)
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestStaticEndpointsKeptOnceAsHosts(t *testing.T) {
	m := newTestManager(t, ManagerOptions{Loops: 1})
	cfg := translate(t, clusterProto("a", threeHosts(1, 2, 1)))
	m.Apply([]*config.Cluster{cfg})
	if cfg.Endpoints != nil {
		t.Fatal("STATIC endpoints kept in the config after the hosts were built")
	}
	c := m.Get("a")
	same := translate(t, clusterProto("a", threeHosts(1, 2, 1)))
	m.Apply([]*config.Cluster{same})
	if m.Get("a") != c {
		t.Fatal("an unchanged cluster got a new runtime")
	}
	if same.Endpoints != nil {
		t.Fatal("the unchanged config keeps its endpoints")
	}
	m.Apply([]*config.Cluster{same}) // the very same config again
	if m.Get("a") != c {
		t.Fatal("re-applying the same config restarted the cluster")
	}
	changed := translate(t, clusterProto("a", threeHosts(1, 3, 1)))
	m.Apply([]*config.Cluster{changed})
	if m.Get("a") == c || m.Get("a").Hosts()[1].Weight() != 3 {
		t.Fatal("a changed weight kept the old runtime")
	}
}

func TestHostIdentity(t *testing.T) {
	md := map[string]string{"env": "base"}
	for _, tc := range []struct {
		addr     string
		hostname string
		weight   uint32
		prio     uint32
		md       map[string]string
	}{
		{"10.1.2.3:80", "", 1, 0, nil},
		{"[2001:db8::1]:8443", "svc.example", 7, 128, md},
		{"[::ffff:10.0.0.1]:9", "", 1, 3, nil}, // IPv4-mapped IPv6 stays IPv6
		{"[fe80::1%eth0]:80", "", 2, 0, nil},
	} {
		ap := netip.MustParseAddrPort(tc.addr)
		var b hostBuilder
		for _, h := range []*Host{NewHost(ap, tc.hostname, tc.weight, tc.prio, tc.md), b.host(ap, tc.hostname, tc.weight, tc.prio, tc.md)} {
			if h.Addr() != ap || h.Hostname() != tc.hostname || h.Weight() != tc.weight || h.Priority() != tc.prio ||
				!maps.Equal(h.Metadata(), tc.md) {
				t.Errorf("%s: got %s %q w%d p%d %v", tc.addr, h.Addr(), h.Hostname(), h.Weight(), h.Priority(), h.Metadata())
			}
		}
	}
	if h := NewHost(netip.MustParseAddrPort("10.0.0.1:1"), "", 0, 0, nil); h.Weight() != 1 || h.more != nil {
		t.Errorf("weight 0: got %d, more %v", h.Weight(), h.more)
	}
	var b hostBuilder
	h1 := b.host(netip.MustParseAddrPort("10.0.0.1:1"), "", 1, 0, md)
	h2 := b.host(netip.MustParseAddrPort("10.0.0.2:1"), "", 1, 0, md)
	h3 := b.host(netip.MustParseAddrPort("10.0.0.3:1"), "other", 1, 0, md)
	if h1.more != h2.more || h1.more == h3.more {
		t.Errorf("hosts with equal metadata should share it, others not: %p %p %p", h1.more, h2.more, h3.more)
	}
}
