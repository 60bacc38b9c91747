package upstream

import (
	"context"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

func TestManagerApply(t *testing.T) {
	store := stats.NewStore(1)
	m := newTestManager(t, ManagerOptions{Stats: store, Loops: 1})
	a := func() *config.Cluster { return translate(t, clusterProto("a", threeHosts(1, 1, 1))) }
	b := func(w uint32) *config.Cluster { return translate(t, clusterProto("b", threeHosts(w, 1, 1))) }

	m.Apply([]*config.Cluster{b(1), a()})
	ca, cb := m.Get("a"), m.Get("b")
	if ca == nil || cb == nil {
		t.Fatal("clusters missing after the first Apply")
	}
	if all := m.All(); len(all) != 2 || all[0] != ca || all[1] != cb {
		t.Fatalf("All() = %v, want [a b]", all)
	}
	cb.Stats.CxTotal.Inc(0)

	t.Run("unchanged cluster keeps its runtime", func(t *testing.T) {
		m.Apply([]*config.Cluster{a(), b(1)}) // fresh translations of equal protos
		if m.Get("a") != ca || m.Get("b") != cb {
			t.Fatal("an unchanged cluster got a new runtime")
		}
	})
	t.Run("changed cluster is replaced and keeps its stats", func(t *testing.T) {
		m.Apply([]*config.Cluster{a(), b(5)})
		nb := m.Get("b")
		if nb == cb {
			t.Fatal("a changed cluster kept its runtime")
		}
		if m.Get("a") != ca {
			t.Fatal("the unchanged neighbour was replaced")
		}
		if nb.Hosts()[0].Weight() != 5 {
			t.Fatalf("new runtime has weight %d, want 5", nb.Hosts()[0].Weight())
		}
		if nb.Stats != cb.Stats {
			t.Fatal("a replaced cluster's stats were not carried over")
		}
		if got := counterValue(t, store, "cluster.b.upstream_cx_total"); got != 1 {
			t.Fatalf("cluster.b.upstream_cx_total = %d, want 1 (carried over)", got)
		}
		if cb.Pick(0) == nil {
			t.Fatal("the old runtime must stay usable for sessions that hold it")
		}
	})
	t.Run("removed cluster releases its stats", func(t *testing.T) {
		old := m.Get("b")
		m.Apply([]*config.Cluster{a()})
		if m.Get("b") != nil {
			t.Fatal("removed cluster still returned by Get")
		}
		if _, ok := store.CounterValue("cluster.b.upstream_cx_total"); ok {
			t.Fatal("stats of the removed cluster are still in the store")
		}
		if _, ok := store.CounterValue("cluster.a.upstream_cx_total"); !ok {
			t.Fatal("stats of the remaining cluster are gone")
		}
		old.Stats.CxTotal.Inc(0) // a session that still holds it: discarded, no panic
		if got := old.Stats.CxTotal.Value(); got != 0 {
			t.Fatalf("released counter reads %d, want 0", got)
		}
	})
	t.Run("re-added cluster starts from zero", func(t *testing.T) {
		m.Apply([]*config.Cluster{a(), b(1)})
		if got := counterValue(t, store, "cluster.b.upstream_cx_total"); got != 0 {
			t.Fatalf("cluster.b.upstream_cx_total = %d, want 0", got)
		}
		if got := gaugeValue(t, store, "cluster.b.membership_total"); got != 3 {
			t.Fatalf("cluster.b.membership_total = %d, want 3", got)
		}
	})
	t.Run("static clusters are ready at once", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := m.WaitReady(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestManagerHostStatsSwitch(t *testing.T) {
	tests := []struct {
		name    string
		initial bool
	}{
		{"starting off", false},
		{"starting on", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestManager(t, ManagerOptions{Loops: 1, HostStats: tt.initial})
			m.Apply([]*config.Cluster{translate(t, clusterProto("a", threeHosts(1, 1, 1)))})
			hostsOf := func(names ...string) []*Host {
				var out []*Host
				for _, n := range names {
					out = append(out, m.Get(n).Hosts()...)
				}
				return out
			}
			check := func(step string, on bool, hosts []*Host) {
				t.Helper()
				if m.HostStats() != on {
					t.Fatalf("%s: HostStats() = %v, want %v", step, m.HostStats(), on)
				}
				for _, h := range hosts {
					if got := h.Stats() != nil; got != on {
						t.Fatalf("%s: %s has stats = %v, want %v", step, h.Addr(), got, on)
					}
				}
			}
			check("initial", tt.initial, hostsOf("a"))

			m.SetHostStats(true)
			check("switched on", true, hostsOf("a"))
			h := m.Get("a").Hosts()[0]
			h.ConnOpened()
			h.RequestStarted()
			h.RequestDone(false, true)
			h.ConnectFailed()
			st := h.Stats()
			if st.CxTotal.Load() != 1 || st.RqTotal.Load() != 1 || st.RqTimeout.Load() != 1 ||
				st.RqError.Load() != 1 || st.CxConnectFail.Load() != 1 {
				t.Fatalf("host counters not updated: %+v", st)
			}
			m.SetHostStats(true) // again: the same counters stay
			if h.Stats() != st {
				t.Fatal("switching on twice replaced the counters")
			}
			m.Apply([]*config.Cluster{
				translate(t, clusterProto("a", threeHosts(1, 1, 1))),
				translate(t, clusterProto("b", threeHosts(1, 1, 1))),
			})
			check("new cluster while on", true, hostsOf("a", "b"))

			m.SetHostStats(false)
			check("switched off", false, hostsOf("a", "b"))
			h.ConnOpened() // no counters: only the gauge moves
			if h.ActiveConnections() != 2 {
				t.Fatalf("ActiveConnections = %d, want 2", h.ActiveConnections())
			}
			m.Apply([]*config.Cluster{
				translate(t, clusterProto("a", threeHosts(1, 1, 1))),
				translate(t, clusterProto("c", threeHosts(1, 1, 1))),
			})
			check("new cluster while off", false, hostsOf("a", "c"))

			m.SetHostStats(true)
			check("on again", true, hostsOf("a", "c"))
			if got := h.Stats().CxTotal.Load(); got != 0 {
				t.Fatalf("counters after off/on start at %d, want 0", got)
			}
		})
	}
}
