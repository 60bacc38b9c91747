package xds_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/skiffmesh/skiff/proxy/server"
)

func TestWarming(t *testing.T) {
	protocols(t, func(t *testing.T, delta bool) {
		const fetchTimeout = 300 * time.Millisecond
		cp := newControlPlane(t)
		f := newFixture(t)
		w := edsCluster("w")
		w.EdsClusterConfig.EdsConfig.InitialFetchTimeout = durationpb.New(fetchTimeout)
		rs := resourcesSet{
			clusters:  []types.Resource{edsCluster("a"), w},
			endpoints: []types.Resource{assignment("a", f.a)},
			listeners: []types.Resource{httpListener(t, "http", "web")},
			routes:    []types.Resource{routes("web", "/w", "w", "/", "a")},
		}
		cp.set("1", rs)
		start := time.Now()
		p := startProxy(t, cp, delta, time.Second)
		if d := time.Since(start); d < fetchTimeout*3/4 {
			t.Errorf("ready after %v, before cluster w's initial_fetch_timeout (%v)", d, fetchTimeout)
		}
		if st := p.srv.State(); st != server.Live {
			t.Errorf("state %s after the first configuration", st)
		}
		if c := p.srv.Clusters().Get("w"); c == nil || len(c.Hosts()) != 0 {
			t.Fatalf("cluster w after its initial_fetch_timeout: %v", c)
		}
		web := p.addr(t, "http")
		if _, err := get(http.DefaultClient, web, "/w"); err == nil {
			t.Error("GET /w succeeded with no endpoints")
		}
		rs.endpoints = append(rs.endpoints, assignment("w", f.b))
		cp.set("2", rs)
		eventually(t, "cluster w's endpoints", func() bool {
			got, err := get(http.DefaultClient, web, "/w")
			return err == nil && got == "b"
		})

		// A new listener waits for its route configuration (default initial_fetch_timeout: 15s).
		late := httpListener(t, "late", "late")
		rs.listeners = append(rs.listeners, late)
		cp.set("3", rs)
		eventually(t, "listener late warming", func() bool {
			d := p.srv.DynamicDump()
			return len(d.Listeners) == 2 && d.Listeners[1].GetName() == "late" && d.Listeners[1].GetWarmingState() != nil
		})
		if _, ok := p.srv.ListenerAddrs()["late"]; ok {
			t.Fatal("listener late started before its routes arrived")
		}
		rs.routes = append(rs.routes, routes("late", "/", "w"))
		cp.set("4", rs)
		eventually(t, "listener late", func() bool {
			_, ok := p.srv.ListenerAddrs()["late"]
			return ok
		})
		if got, err := get(http.DefaultClient, p.addr(t, "late"), "/"); err != nil || got != "b" {
			t.Fatalf("GET through late: %q, %v", got, err)
		}
	})
}
