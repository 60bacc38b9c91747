package stats

import (
	"fmt"
	"runtime"
	"testing"
)

// liveStats returns the number of stats, symbols and chunks of s.
func liveStats(s *Store) (stats, syms, chunks int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, sl := range s.slabs {
		chunks += len(sl.chunks)
	}
	return s.table.n, s.syms.live(), chunks
}

func TestReleaseFreesAndReuses(t *testing.T) {
	s := NewStore(2)
	cluster := s.Scope(S("cluster"), T("envoy_cluster_name", "a"))
	keep := cluster.Counter("upstream_cx_total")
	host := cluster.Scope(T("host", "10.0.0.1:80"))
	c := host.Counter("rq_total")
	g := host.Gauge("cx_active")
	h := host.Histogram("rq_time", Milliseconds)
	c.Add(0, 5)
	g.Inc(1)
	h.Record(0, 3)
	chunk, idx := c.chunk.Load(), c.idx
	before, _, _ := liveStats(s)

	host.Release()

	if n, _, _ := liveStats(s); n != before-3 {
		t.Fatalf("stats after release = %d, want %d", n, before-3)
	}
	if _, ok := s.CounterValue("cluster.a.10.0.0.1:80.rq_total"); ok {
		t.Fatal("released counter still listed")
	}
	if _, ok := s.syms.lookup("10.0.0.1:80"); ok {
		t.Fatal("host symbol not freed")
	}
	c.Inc(0) // stale use is harmless
	g.Dec(0)
	h.RecordDuration(1, 1)
	if c.Value() != 0 || g.Value() != 0 || h.Count() != 0 {
		t.Fatal("released stats must read as zero")
	}
	keep.Inc(0)
	if v, _ := s.CounterValue("cluster.a.upstream_cx_total"); v != 1 {
		t.Fatalf("sibling counter = %d, want 1", v)
	}

	host2 := cluster.Scope(T("host", "10.0.0.2:80"))
	c2 := host2.Counter("rq_total")
	if c2.chunk.Load() != chunk || c2.idx != idx {
		t.Fatal("freed slot not reused")
	}
	if c2.Value() != 0 {
		t.Fatalf("reused slot = %d, want zeroed", c2.Value())
	}
}

func TestReleaseTree(t *testing.T) {
	tests := []struct {
		name    string
		release func(root, child, grand *Scope)
	}{
		{"parent only", func(root, _, _ *Scope) { root.Release() }},
		{"child then parent", func(root, child, _ *Scope) { child.Release(); root.Release() }},
		{"grandchild then parent", func(root, _, grand *Scope) { grand.Release(); root.Release() }},
		{"twice", func(root, _, _ *Scope) { root.Release(); root.Release() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(1)
			_, baseSyms, _ := liveStats(s)
			root := s.Scope(S("cluster"))
			child := root.Scope(T("name", "x"))
			grand := child.Scope(T("host", "h"))
			root.Counter("a").Inc(0)
			child.Gauge("b").Inc(0)
			grand.Histogram("c", Bytes).Record(0, 1)
			tt.release(root, child, grand)
			if n, syms, chunks := liveStats(s); n != 0 || syms != baseSyms || chunks != 0 {
				t.Fatalf("after release: %d stats, %d symbols, %d chunks; want 0, %d, 0", n, syms, chunks, baseSyms)
			}
			if got := child.Scope(S("late")).Counter("x"); got.Value() != 0 {
				t.Fatal("stat of a released scope must be detached")
			}
			grand.Counter("late").Inc(0)
			if n, _, _ := liveStats(s); n != 0 {
				t.Fatalf("released scope created %d stats", n)
			}
		})
	}
}

func TestSharedStatOutlivesFirstScope(t *testing.T) {
	s := NewStore(1)
	old := s.Scope(S("cluster"), S("x"))
	c := old.Counter("upstream_cx_total")
	c.Add(0, 3)
	updated := s.Scope(S("cluster"), S("x")) // a cluster update while the old one drains
	if updated.Counter("upstream_cx_total") != c {
		t.Fatal("new scope did not get the existing counter")
	}
	updated.Counter("upstream_cx_total") // asking twice holds once
	old.Release()
	if v, ok := s.CounterValue("cluster.x.upstream_cx_total"); !ok || v != 3 {
		t.Fatalf("counter held by the new scope = %d, %v; want 3, true", v, ok)
	}
	third := s.Scope(S("cluster"), S("x"))
	third.Counter("upstream_cx_total")
	updated.Release()
	if _, ok := s.CounterValue("cluster.x.upstream_cx_total"); !ok {
		t.Fatal("counter held by a third scope was freed")
	}
	third.Release()
	if n, syms, _ := liveStats(s); n != 0 || syms != 0 {
		t.Fatalf("after all releases: %d stats, %d symbols", n, syms)
	}
}

func TestReleaseReturnsMemory(t *testing.T) {
	const hosts = 20000
	s := NewStore(2)
	cluster := s.Scope(S("cluster"), T("envoy_cluster_name", "outbound|80||svc.ns"))
	cluster.Counter("upstream_cx_total").Inc(0)
	base := heapInUse()
	scopes := make([]*Scope, hosts)
	for i := range scopes {
		scopes[i] = cluster.Scope(T("host", fmt.Sprintf("10.%d.%d.%d:8080", i>>16, i>>8&255, i&255)))
		scopes[i].Counter("rq_total").Inc(0)
		scopes[i].Gauge("cx_active").Inc(0)
	}
	grown := heapInUse()
	for _, sc := range scopes {
		sc.Release()
	}
	scopes = nil
	after := heapInUse()
	if n, _, _ := liveStats(s); n != 1 {
		t.Fatalf("%d stats left, want 1", n)
	}
	t.Logf("heap: base %d, with %d hosts %d, after release %d", base, hosts, grown, after)
	if leftover := after - base; leftover > (grown-base)/10 {
		t.Fatalf("release kept %d of %d bytes", leftover, grown-base)
	}
	runtime.KeepAlive(s)
}

func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
