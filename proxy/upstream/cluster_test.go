package upstream

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

func TestConnectionCircuitBreaker(t *testing.T) {
	type step struct {
		acquire bool // false: release
		granted bool // for acquire: the expected result
		// state after the step
		active   int64
		overflow uint64
		open     int64
	}
	acq := func(granted bool, active int64, overflow uint64, open int64) step {
		return step{acquire: true, granted: granted, active: active, overflow: overflow, open: open}
	}
	rel := func(active int64, overflow uint64, open int64) step {
		return step{active: active, overflow: overflow, open: open}
	}
	tests := []struct {
		name  string
		limit uint32
		steps []step
	}{
		{"limit 1", 1, []step{
			acq(true, 1, 0, 1), acq(false, 1, 1, 1), acq(false, 1, 2, 1),
			rel(0, 2, 0), acq(true, 1, 2, 1),
		}},
		{"limit 2", 2, []step{
			acq(true, 1, 0, 0), acq(true, 2, 0, 1), acq(false, 2, 1, 1),
			rel(1, 1, 0), rel(0, 1, 0), acq(true, 1, 1, 0), acq(true, 2, 1, 1),
		}},
		{"limit 0 refuses everything", 0, []step{
			acq(false, 0, 1, 0), acq(false, 0, 2, 0),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := stats.NewStore(1)
			m := newTestManager(t, ManagerOptions{Stats: store, Loops: 1})
			m.Apply([]*config.Cluster{translate(t, clusterProto("cb", threeHosts(1, 1, 1), withMaxConnections(tt.limit)))})
			c := m.Get("cb")
			for i, s := range tt.steps {
				if s.acquire {
					if got := c.AcquireConnection(0); got != s.granted {
						t.Fatalf("step %d: AcquireConnection = %v, want %v", i, got, s.granted)
					}
				} else {
					c.ReleaseConnection()
				}
				if got := c.ActiveConnections(); got != s.active {
					t.Errorf("step %d: ActiveConnections = %d, want %d", i, got, s.active)
				}
				if got := counterValue(t, store, "cluster.cb.upstream_cx_overflow"); got != s.overflow {
					t.Errorf("step %d: upstream_cx_overflow = %d, want %d", i, got, s.overflow)
				}
				if got := gaugeValue(t, store, "cluster.cb.circuit_breakers.default.cx_open"); got != s.open {
					t.Errorf("step %d: cx_open = %d, want %d", i, got, s.open)
				}
			}
		})
	}
}

// Many goroutines racing for slots never hold more than max_connections.
func TestConnectionCircuitBreakerConcurrent(t *testing.T) {
	const limit, workers, rounds = 3, 8, 500
	store := stats.NewStore(workers)
	m := newTestManager(t, ManagerOptions{Stats: store, Loops: workers})
	m.Apply([]*config.Cluster{translate(t, clusterProto("cb", threeHosts(1, 1, 1), withMaxConnections(limit)))})
	c := m.Get("cb")
	var held, peak atomic.Int64
	var refused atomic.Uint64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range rounds {
				if !c.AcquireConnection(w) {
					refused.Add(1)
					continue
				}
				n := held.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				held.Add(-1)
				c.ReleaseConnection()
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > limit {
		t.Errorf("%d connections held at once, limit %d", p, limit)
	}
	if got := c.ActiveConnections(); got != 0 {
		t.Errorf("ActiveConnections = %d after all releases", got)
	}
	if got, want := counterValue(t, store, "cluster.cb.upstream_cx_overflow"), refused.Load(); got != want {
		t.Errorf("upstream_cx_overflow = %d, want %d refusals", got, want)
	}
	if got := gaugeValue(t, store, "cluster.cb.circuit_breakers.default.cx_open"); got != 0 {
		t.Errorf("cx_open = %d with no connections", got)
	}
}
