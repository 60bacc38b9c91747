package server

import (
	"testing"
	"time"

	wire "github.com/skiffmesh/skiff/protocol/dubbo"
	dubboproxy "github.com/skiffmesh/skiff/proxy/dubbo"
)

// TestDubboHostRemovedWithCallInFlight: a call in flight to a host that a
// new cluster version drops still gets its response; new calls go to the
// new host, and the old host's connection closes once idle. With the
// cluster removed, new calls get a readable SERVICE_ERROR.
func TestDubboHostRemovedWithCallInFlight(t *testing.T) {
	release := make(chan struct{})
	a := startProvider(t, "a", func(r *providerReq) providerReply {
		if string(r.head.Method) == "slow" {
			<-release
		}
		return replyValue
	})
	b := startProvider(t, "b", nil)
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", a.addr)), func(sh *dubboproxy.Shared) {
		// Long enough for the blocked test provider, which answers no
		// heartbeat while it holds the call, to stay within the misses.
		sh.HeartbeatInterval = 200 * time.Millisecond
	})
	k := newConsumer(t, addr)
	k.send(1, true, "slow", nil)
	eventually(t, "the call at a", func() bool { return a.requests.Load() == 1 })
	applyYAML(t, srv, dubboYAML(greeterRoutes, "", staticCluster("c", "", b.addr)))
	time.Sleep(250 * time.Millisecond) // a heartbeat tick passes: the busy connection stays
	k2 := newConsumer(t, addr)
	if r := k2.call(2, "hi", nil); r.value != "b:hi" {
		t.Fatalf("new call: got %+v", r)
	}
	close(release)
	if r := k.read(); r.h.ID != 1 || r.value != "a:slow" {
		t.Fatalf("call in flight: got %+v, want a:slow", r)
	}
	eventually(t, "the connection to a closed", func() bool { return a.open.Load() == 0 })

	applyYAML(t, srv, dubboYAML(greeterRoutes, "", staticCluster("other", "", b.addr)))
	wantStatus(t, k2.call(3, "hi", nil), wire.StatusServiceError, "unknown cluster c")
	eventually(t, "no call left", func() bool { return gauge(t, srv, "dubbo.d.request_active") == 0 })
}
