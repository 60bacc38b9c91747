package server

import (
	"runtime/metrics"

	"github.com/skiffmesh/skiff/proxy/stats"
)

// serverStats are Envoy's server.* statistics.
type serverStats struct {
	Live             *stats.Gauge
	Uptime           *stats.Gauge
	State            *stats.Gauge
	Concurrency      *stats.Gauge
	TotalConnections *stats.Counter
	MemoryAllocated  *stats.Gauge
	MemoryHeapSize   *stats.Gauge

	samples []metrics.Sample
}

func newServerStats(store *stats.Store, loops int) *serverStats {
	sc := store.Scope(stats.S("server"))
	st := &serverStats{
		Live:             sc.Gauge("live"),
		Uptime:           sc.Gauge("uptime"),
		State:            sc.Gauge("state"),
		Concurrency:      sc.Gauge("concurrency"),
		TotalConnections: sc.Counter("total_connections"),
		MemoryAllocated:  sc.Gauge("memory_allocated"),
		MemoryHeapSize:   sc.Gauge("memory_heap_size"),
		samples: []metrics.Sample{
			{Name: "/memory/classes/heap/objects:bytes"},
			{Name: "/memory/classes/total:bytes"},
		},
	}
	st.Concurrency.Set(int64(loops))
	return st
}

// update refreshes the gauges; called from the engine's ticker goroutine and
// on state changes (concurrent calls only race on which value lands last).
func (st *serverStats) update(s *Server) {
	state := s.State()
	live := int64(0)
	if state == Live {
		live = 1
	}
	st.Live.Set(live)
	st.State.Set(int64(state))
	st.Uptime.Set(int64(s.Uptime().Seconds()))
	samples := make([]metrics.Sample, len(st.samples))
	copy(samples, st.samples)
	metrics.Read(samples)
	st.MemoryAllocated.Set(int64(samples[0].Value.Uint64()))
	st.MemoryHeapSize.Set(int64(samples[1].Value.Uint64()))
}
