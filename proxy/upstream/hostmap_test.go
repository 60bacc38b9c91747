package upstream

import (
	"net/netip"
	"runtime"
	"testing"
)

func TestHostMapGivesBackSpace(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	hosts := make([]*Host, 100_000)
	for i := range hosts {
		hosts[i] = NewHost(netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 80), "", 1, 0, nil)
	}
	var hm HostMap[int]
	before := heap()
	for i, h := range hosts {
		hm.Set(h, i)
	}
	full := heap()
	for h := range hm.All() {
		if v, _ := hm.Get(h); v >= 10 {
			hm.Delete(h)
		}
	}
	after := heap()
	if hm.Len() != 10 {
		t.Fatalf("%d entries left, want 10", hm.Len())
	}
	for i, h := range hosts[:10] {
		if v, ok := hm.Get(h); !ok || v != i {
			t.Errorf("host %d: %d %v after the shrink", i, v, ok)
		}
	}
	if _, ok := hm.Get(hosts[10]); ok {
		t.Error("a deleted host is still there")
	}
	table := full - before
	if after-before > table/10 {
		t.Errorf("the map held %d bytes with 100,000 entries and still holds %d with 10", table, after-before)
	}
	runtime.KeepAlive(hosts)
}

func TestHostMapSmallKeepsItsMap(t *testing.T) {
	var hm HostMap[string]
	a, b := NewHost(netip.MustParseAddrPort("10.0.0.1:1"), "", 1, 0, nil), NewHost(netip.MustParseAddrPort("10.0.0.2:1"), "", 1, 0, nil)
	hm.Set(a, "a")
	hm.Set(b, "b")
	m := hm.m
	hm.Delete(a)
	if hm.Len() != 1 || len(m) != 1 {
		t.Fatalf("a small map is copied on delete: len %d, old map len %d", hm.Len(), len(m))
	}
	if v, ok := hm.Get(b); !ok || v != "b" {
		t.Fatalf("got %q %v", v, ok)
	}
}
