package xds_test

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// load sends GETs through addr from n goroutines until stop is closed and counts failures.
func load(t *testing.T, addr string, n int, stop <-chan struct{}) (wait func() (ok, failed int64)) {
	var wg sync.WaitGroup
	var okN, failN atomic.Int64
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 2 * time.Second}
			defer hc.CloseIdleConnections()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := get(hc, addr, "/"); err != nil {
					failN.Add(1)
					t.Logf("request failed: %v", err)
				} else {
					okN.Add(1)
				}
			}
		}()
	}
	return func() (int64, int64) { wg.Wait(); return okN.Load(), failN.Load() }
}

func TestControlPlaneRestart(t *testing.T) {
	protocols(t, func(t *testing.T, delta bool) {
		cp := newControlPlane(t)
		f := newFixture(t)
		rs := f.resources(t)
		cp.set("1", rs)
		p := startProxy(t, cp, delta, time.Second)
		web := p.addr(t, "http")
		if _, err := get(http.DefaultClient, web, "/"); err != nil {
			t.Fatal(err)
		}
		tc, err := net.Dial("tcp", p.addr(t, "tcp"))
		if err != nil {
			t.Fatal(err)
		}
		defer tc.Close()
		before := [4]int32{p.target.clusters.Load(), p.target.listeners.Load(), p.target.endpoints.Load(), p.target.routes.Load()}
		clusterA := p.srv.Clusters().Get("a")
		stop := make(chan struct{})
		wait := load(t, web, 2, stop)

		connected := func(want int64) func() bool {
			return func() bool {
				v, _ := p.srv.Stats().GaugeValue("control_plane.connected_state")
				return v == want
			}
		}
		cp.stop()
		eventually(t, "disconnected", connected(0))
		opened := cp.opened.Load()
		cp.start(cp.addr)
		eventually(t, "reconnected", func() bool { return connected(1)() && cp.opened.Load() > opened })
		// Give the resubscription time to be answered (or, on delta, to be found up to date).
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		<-ctx.Done()
		cancel()
		close(stop)
		ok, failed := wait()
		if failed > 0 || ok == 0 {
			t.Fatalf("%d requests failed, %d succeeded across the restart", failed, ok)
		}
		after := [4]int32{p.target.clusters.Load(), p.target.listeners.Load(), p.target.endpoints.Load(), p.target.routes.Load()}
		if after != before {
			t.Errorf("installs (clusters, listeners, endpoints, routes) went from %v to %v across the restart", before, after)
		}
		if p.srv.Clusters().Get("a") != clusterA {
			t.Error("cluster a was rebuilt across the restart")
		}
		if got, err := tcpRoundTrip(tc, "still"); err != nil || got != "still" {
			t.Fatalf("tcp_proxy connection across the restart: %q, %v", got, err)
		}
		// The new stream carries updates.
		rs.endpoints[0] = assignment("a", f.a2)
		cp.set("2", rs)
		eventually(t, "an update after the restart", func() bool {
			got, err := get(http.DefaultClient, web, "/")
			return err == nil && got == "a2"
		})
	})
}

func TestEndpointChurnUnderLoad(t *testing.T) {
	protocols(t, func(t *testing.T, delta bool) {
		cp := newControlPlane(t)
		f := newFixture(t)
		rs := f.resources(t)
		cp.set("1", rs)
		p := startProxy(t, cp, delta, time.Second)
		stop := make(chan struct{})
		wait := load(t, p.addr(t, "http"), 4, stop)
		sets := [][]uint32{{f.a, f.a2}, {f.a2}, {f.a2, f.b}, {f.b}, {f.b, f.a}, {f.a}}
		applied := p.target.endpoints.Load()
		for i := range 30 {
			rs.endpoints[0] = assignment("a", sets[i%len(sets)]...)
			cp.set(string(rune('A'+i)), rs)
			want := applied + 1
			eventually(t, "endpoints installed", func() bool { return p.target.endpoints.Load() >= want })
			applied = p.target.endpoints.Load()
		}
		close(stop)
		ok, failed := wait()
		if failed > 0 || ok == 0 {
			t.Fatalf("%d requests failed, %d succeeded during endpoint churn", failed, ok)
		}
		if hosts := p.srv.Clusters().Get("a").Hosts(); len(hosts) != len(sets[29%len(sets)]) {
			t.Errorf("cluster a has %d hosts, want %d", len(hosts), len(sets[29%len(sets)]))
		}
	})
}

func TestListenerChangeDrains(t *testing.T) {
	protocols(t, func(t *testing.T, delta bool) {
		const drain = 300 * time.Millisecond
		cp := newControlPlane(t)
		f := newFixture(t)
		rs := f.resources(t)
		cp.set("1", rs)
		p := startProxy(t, cp, delta, drain)
		addr := p.addr(t, "tcp")
		old, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		if _, err := tcpRoundTrip(old, "x"); err != nil {
			t.Fatal(err)
		}
		changed := tcpListener(t, "tcp", "echo")
		changed.StatPrefix = "tcp_v2"
		rs.listeners[1] = changed
		cp.set("2", rs)
		eventually(t, "the changed listener", func() bool {
			n, _ := p.srv.Stats().CounterValue("listener_manager.lds.update_success")
			return n >= 2
		})
		changedAt := time.Now()
		if p.addr(t, "tcp") != addr {
			t.Fatalf("the listener moved from %s to %s", addr, p.addr(t, "tcp"))
		}
		fresh, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		if got, err := tcpRoundTrip(old, "old"); err != nil || got != "old" {
			t.Fatalf("old connection during the drain: %q, %v", got, err)
		}
		_ = old.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := old.Read(make([]byte, 1)); err == nil {
			t.Fatal("read data on the old connection after the drain")
		}
		if d := time.Since(changedAt); d > 2*time.Second {
			t.Errorf("old connection closed %v after the change, want about %v", d, drain)
		}
		if got, err := tcpRoundTrip(fresh, "new"); err != nil || got != "new" {
			t.Fatalf("connection accepted under the new version: %q, %v", got, err)
		}
	})
}

func TestListenerRemovalDrains(t *testing.T) {
	protocols(t, func(t *testing.T, delta bool) {
		const drain = 300 * time.Millisecond
		cp := newControlPlane(t)
		f := newFixture(t)
		rs := f.resources(t)
		cp.set("1", rs)
		p := startProxy(t, cp, delta, drain)
		addr := p.addr(t, "tcp")
		tc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer tc.Close()
		if _, err := tcpRoundTrip(tc, "x"); err != nil {
			t.Fatal(err)
		}
		rs.listeners = rs.listeners[:1]
		cp.set("2", rs)
		eventually(t, "listener removed", func() bool {
			_, ok := p.srv.ListenerAddrs()["tcp"]
			return !ok
		})
		removed := time.Now()
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Error("a removed listener still accepts")
		}
		if got, err := tcpRoundTrip(tc, "draining"); err != nil || got != "draining" {
			t.Fatalf("connection during the drain: %q, %v", got, err)
		}
		_ = tc.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := tc.Read(make([]byte, 1)); err == nil {
			t.Fatal("read data after the drain")
		}
		if d := time.Since(removed); d < drain/2 || d > 2*time.Second {
			t.Errorf("connection closed %v after the removal, want about %v", d, drain)
		}
	})
}
