package stats

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

func BenchmarkCounterInc(b *testing.B) {
	c := NewStore(2).Scope(S("cluster"), S("x")).Counter("upstream_rq_total")
	b.ReportAllocs()
	for b.Loop() {
		c.Inc(1)
	}
}

func BenchmarkCounterIncShared(b *testing.B) {
	c := NewStore(2).Scope(S("cluster"), S("x")).Counter("upstream_rq_total")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc(Shared)
		}
	})
}

func BenchmarkGaugeAdd(b *testing.B) {
	g := NewStore(2).Scope(S("cluster"), S("x")).Gauge("upstream_rq_active")
	b.ReportAllocs()
	for b.Loop() {
		g.Inc(0)
		g.Dec(0)
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	h := NewStore(2).Scope(S("cluster"), S("x")).Histogram("upstream_rq_time", Milliseconds)
	b.ReportAllocs()
	var v uint64
	for b.Loop() {
		h.Record(0, v&1023)
		v++
	}
}

func BenchmarkHistogramRecordDuration(b *testing.B) {
	h := NewStore(2).Scope(S("cluster"), S("x")).Histogram("upstream_rq_time", Milliseconds)
	b.ReportAllocs()
	for b.Loop() {
		h.RecordDuration(0, 1300*time.Microsecond)
	}
}

// BenchmarkCounterLookup measures asking a scope again for a stat it already holds.
func BenchmarkCounterLookup(b *testing.B) {
	sc := NewStore(2).Scope(S("cluster"), T("envoy_cluster_name", "outbound|80||a.b"))
	sc.Counter("upstream_rq_total")
	b.ReportAllocs()
	for b.Loop() {
		sc.Counter("upstream_rq_total")
	}
}

const benchHosts = 100_000

// hostScopes makes one scope per host under a cluster scope.
func hostScopes(s *Store) []*Scope {
	cl := s.Scope(S("cluster"), T("envoy_cluster_name", "outbound|8080||reviews.default.svc.cluster.local"))
	scopes := make([]*Scope, benchHosts)
	for i := range scopes {
		scopes[i] = cl.Scope(T("envoy_host", hostName(i)))
	}
	return scopes
}

func hostName(i int) string { return fmt.Sprintf("10.%d.%d.%d:8080", i>>16, i>>8&255, i&255) }

// BenchmarkHostCounters creates 100k counters under 100k host scopes (host names built beforehand)
// and reports the heap bytes per counter: "B/stat" counts everything (scope, symbol, name, slot)
// and "B/stat-noscope" the same minus the scopes created without stats.
func BenchmarkHostCounters(b *testing.B) {
	benchHostStats(b, func(sc *Scope) { sc.Counter("upstream_rq_total").Inc(0) })
}

// BenchmarkHostHistograms is BenchmarkHostCounters with one histogram per host.
func BenchmarkHostHistograms(b *testing.B) {
	benchHostStats(b, func(sc *Scope) { sc.Histogram("upstream_rq_time", Milliseconds).Record(0, 1) })
}

// BenchmarkHostTenCounters is BenchmarkHostCounters with ten counters per host, closer to Envoy's
// per-host stats.
func BenchmarkHostTenCounters(b *testing.B) {
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprint("rq_stat_", i)
	}
	b.ReportMetric(10, "stats/host")
	benchHostStatsN(b, 10, func(sc *Scope) {
		for _, n := range names {
			sc.Counter(n).Inc(0)
		}
	})
}

func benchHostStats(b *testing.B, create func(*Scope)) { benchHostStatsN(b, 1, create) }

func benchHostStatsN(b *testing.B, perHost int, create func(*Scope)) {
	b.ReportAllocs()
	var perStat, scopeBytes float64
	for b.Loop() {
		b.StopTimer()
		s := NewStore(2)
		names := make([]string, benchHosts)
		for i := range names {
			names[i] = hostName(i)
		}
		base := heapInUse()
		b.StartTimer()
		cl := s.Scope(S("cluster"), T("envoy_cluster_name", "outbound|8080||reviews.default.svc.cluster.local"))
		scopes := make([]*Scope, benchHosts)
		for i := range scopes {
			scopes[i] = cl.Scope(T("envoy_host", names[i]))
			create(scopes[i])
		}
		b.StopTimer()
		names = nil
		perStat = float64(heapInUse()-base) / float64(benchHosts*perHost)
		scopeBytes = measureScopesOnly(s)
		runtime.KeepAlive(scopes)
		b.StartTimer()
	}
	b.ReportMetric(perStat, "B/stat")
	b.ReportMetric(perStat-scopeBytes/float64(perHost), "B/stat-noscope")
}

// measureScopesOnly returns the heap bytes of one host scope without stats whose host symbol is
// already interned (the scope object and its prefix).
func measureScopesOnly(s *Store) float64 {
	cl := s.Scope(S("cluster"), T("envoy_cluster_name", "outbound|8080||reviews.default.svc.cluster.local"))
	base := heapInUse()
	scopes := make([]*Scope, benchHosts)
	for i := range scopes {
		scopes[i] = cl.Scope(T("envoy_host", "10.0.0.1:8080"))
	}
	grown := heapInUse()
	runtime.KeepAlive(scopes)
	return float64(grown-base-int64(8*benchHosts)) / benchHosts
}

func BenchmarkReleaseHostScopes(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := NewStore(2)
		scopes := hostScopes(s)
		for _, sc := range scopes {
			sc.Counter("upstream_rq_total").Inc(0)
		}
		b.StartTimer()
		for _, sc := range scopes {
			sc.Release()
		}
	}
}

func BenchmarkWritePrometheus100k(b *testing.B) {
	s := NewStore(2)
	for i, sc := range hostScopes(s) {
		sc.Counter("upstream_rq_total").Add(0, uint64(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.WritePrometheus(io.Discard, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteText100k(b *testing.B) {
	s := NewStore(2)
	for i, sc := range hostScopes(s) {
		sc.Counter("upstream_rq_total").Add(0, uint64(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.WriteText(io.Discard, nil, false); err != nil {
			b.Fatal(err)
		}
	}
}
