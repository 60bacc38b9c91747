package upstream

import (
	"net/netip"
	"testing"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

func TestHostRemovedMarkKeepsGauges(t *testing.T) {
	h := NewHost(netip.AddrPort{}, "", 1, 0, nil)
	h.ConnOpened()
	h.ConnOpened()
	h.RequestStarted()
	h.markRemoved()
	if !h.Removed() {
		t.Fatal("Removed = false after markRemoved")
	}
	if h.ActiveConnections() != 2 || h.ActiveRequests() != 1 {
		t.Fatalf("cx %d rq %d, want 2 1", h.ActiveConnections(), h.ActiveRequests())
	}
	h.ConnClosed()
	h.ConnClosed()
	h.RequestDone(true, false)
	if !h.Removed() || !h.idle() || h.ActiveConnections() != 0 || h.ActiveRequests() != 0 {
		t.Fatalf("removed %v idle %v cx %d rq %d", h.Removed(), h.idle(), h.ActiveConnections(), h.ActiveRequests())
	}
}

func TestHostsLeavingAreMarkedRemoved(t *testing.T) {
	eds := func(addrs ...string) []config.Endpoint {
		out := make([]config.Endpoint, len(addrs))
		for i, a := range addrs {
			out[i] = config.Endpoint{Address: a, Port: 80, Weight: 1}
		}
		return out
	}
	t.Run("set endpoints", func(t *testing.T) {
		m := NewManager(ManagerOptions{Stats: stats.NewStore(1), Loops: 1})
		defer m.Stop()
		m.Apply([]*config.Cluster{{Name: "c", Type: config.EDS, Endpoints: eds("10.0.0.1", "10.0.0.2")}})
		c := m.Get("c")
		before := c.Hosts()
		if err := m.SetEndpoints("c", eds("10.0.0.2", "10.0.0.3")); err != nil {
			t.Fatal(err)
		}
		if !before[0].Removed() || before[1].Removed() {
			t.Fatalf("removed: 10.0.0.1 %v (want true), 10.0.0.2 %v (want false)", before[0].Removed(), before[1].Removed())
		}
		for _, h := range c.Hosts() {
			if h.Removed() {
				t.Errorf("host %s of the current set is Removed", h.Addr())
			}
		}
	})
	t.Run("cluster replaced and removed", func(t *testing.T) {
		m := NewManager(ManagerOptions{Stats: stats.NewStore(1), Loops: 1})
		defer m.Stop()
		m.Apply([]*config.Cluster{translate(t, clusterProto("c", []ep{{addr: "10.0.0.1", port: 80}}))})
		first := m.Get("c").Hosts()[0]
		m.Apply([]*config.Cluster{translate(t, clusterProto("c", []ep{{addr: "10.0.0.1", port: 81}}))})
		second := m.Get("c").Hosts()[0]
		if !first.Removed() || second.Removed() {
			t.Fatalf("after replace: old Removed %v (want true), new Removed %v (want false)", first.Removed(), second.Removed())
		}
		m.Apply(nil)
		if !second.Removed() {
			t.Fatal("host of a removed cluster is not Removed")
		}
	})
	t.Run("strict dns", func(t *testing.T) {
		f := newDNSFixture(t)
		f.dns.set(v4Name, "10.1.0.1", "10.1.0.2")
		c := f.apply(t, "svc", []ep{{addr: v4Name, port: 80}}, fastRefresh, clusterv3.Cluster_V4_ONLY)
		waitReady(t, c)
		gone, stay := hostByAddr(c.Hosts(), "10.1.0.1"), hostByAddr(c.Hosts(), "10.1.0.2")
		f.dns.set(v4Name, "10.1.0.2")
		eventually(t, "the re-resolution to drop 10.1.0.1", gone.Removed)
		if stay.Removed() {
			t.Fatal("the host that stayed is Removed")
		}
	})
	t.Run("original dst cleanup", func(t *testing.T) {
		m := NewManager(ManagerOptions{Stats: stats.NewStore(1), Loops: 1})
		defer m.Stop()
		m.Apply([]*config.Cluster{{Name: "o", Type: config.OriginalDst, CleanupInterval: 3600e9}})
		c := m.Get("o")
		dst := netip.MustParseAddrPort("10.0.0.9:80")
		h := c.PickFor(0, dst)
		c.cleanupOriginalDst() // picked since the last cleanup: kept
		if h.Removed() {
			t.Fatal("a host picked since the last cleanup is Removed")
		}
		c.cleanupOriginalDst() // idle for a whole interval: forgotten
		if !h.Removed() {
			t.Fatal("a forgotten ORIGINAL_DST host is not Removed")
		}
		if c.PickFor(0, dst) == h {
			t.Fatal("a forgotten host was picked again")
		}
		m.Apply(nil)
		if late := c.PickFor(0, netip.MustParseAddrPort("10.0.0.10:80")); !late.Removed() {
			t.Fatal("a host created by a removed ORIGINAL_DST cluster is not Removed")
		}
	})
}
