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
	var hm HostMap[int]
	hosts := make([]*Host, 9)
	for i := range hosts {
		hosts[i] = NewHost(netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}), 1), "", 1, 0, nil)
	}
	for i, h := range hosts[:8] {
		hm.Set(h, i)
	}
	m := hm.m
	for _, h := range hosts[1:8] { // down to 1 of a peak of 8: under a quarter, but below the floor
		hm.Delete(h)
	}
	if v, ok := hm.Get(hosts[0]); hm.Len() != 1 || !ok || v != 0 {
		t.Fatalf("after the deletes: len %d, first host = %d %v", hm.Len(), v, ok)
	}
	// Still the same map: an entry put in the one held before the deletes shows.
	m[hosts[8]] = 8
	if _, ok := hm.Get(hosts[8]); !ok {
		t.Fatal("a small map was copied on delete")
	}
}
