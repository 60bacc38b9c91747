package server

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
)

// fakeMemory records the releaser's waits and releases; a wait ends when the test sends on fire
// (or the releaser is closed), and a release blocks on block when that is set.
type fakeMemory struct {
	waits    chan time.Duration
	fire     chan struct{}
	released chan struct{}
	block    chan struct{}

	mu  sync.Mutex
	now time.Time
}

func newFakeMemory() *fakeMemory {
	return &fakeMemory{
		waits: make(chan time.Duration, 8), fire: make(chan struct{}), released: make(chan struct{}, 8),
		now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

func (f *fakeMemory) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fakeMemory) hooks() memoryHooks {
	return memoryHooks{
		release: func() {
			f.released <- struct{}{}
			if f.block != nil {
				<-f.block
			}
		},
		now: func() time.Time {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.now
		},
		wait: func(d time.Duration, stop <-chan struct{}) bool {
			f.waits <- d
			select {
			case <-f.fire:
				return true
			case <-stop:
				return false
			}
		},
	}
}

// expectIdle checks, after the releaser was closed, that nothing more was waited for or released.
func (f *fakeMemory) expectIdle(t *testing.T) {
	t.Helper()
	if n := len(f.waits); n != 0 {
		t.Errorf("%d more waits", n)
	}
	if n := len(f.released); n != 0 {
		t.Errorf("%d more releases", n)
	}
}

func TestLargeApply(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int // configured endpoints per cluster
		hosts int   // hosts of every cluster in the manager
		want  bool
	}{
		{"no clusters", nil, 0, false},
		{"just below", []int{5000, 4999}, 0, false},
		{"at the threshold over clusters", []int{2500, 2500, 2500, 2500}, 0, true},
		{"one large cluster", []int{100_000}, 0, true},
		{"endpoints held as hosts", []int{0, 0}, 5000, true},
		{"few hosts, more endpoints", []int{6000, 6000}, 10, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := &config.Snapshot{}
			for _, n := range tc.sizes {
				snap.Clusters = append(snap.Clusters, &config.Cluster{Endpoints: make([]config.Endpoint, n)})
			}
			if got := largeApply(snap, func(string) int { return tc.hosts }); got != tc.want {
				t.Errorf("largeApply = %v, want %v", got, tc.want)
			}
		})
	}
}

// A burst of requests, before and while the release waits, makes one release.
func TestMemoryReleaserCoalescesBurst(t *testing.T) {
	f := newFakeMemory()
	r := newMemoryReleaser(f.hooks())
	for range 5 {
		r.request()
	}
	if d := <-f.waits; d != settleDelay {
		t.Errorf("first wait %v, want %v", d, settleDelay)
	}
	for range 5 {
		r.request()
	}
	f.fire <- struct{}{}
	<-f.released
	r.close()
	f.expectIdle(t)
}

// A request during a release makes one more, releaseInterval after the start of the first; close
// ends a wait without releasing.
func TestMemoryReleaserRateLimits(t *testing.T) {
	f := newFakeMemory()
	f.block = make(chan struct{})
	r := newMemoryReleaser(f.hooks())
	r.request()
	<-f.waits
	f.fire <- struct{}{}
	<-f.released // the release is under way
	r.request()
	r.request()
	f.advance(4 * time.Second)
	f.block <- struct{}{}
	if d, want := <-f.waits, releaseInterval-4*time.Second; d != want {
		t.Errorf("second wait %v, want %v", d, want)
	}
	r.close()
	f.expectIdle(t)
	r.close() // idempotent
}

// Applying a snapshot with many endpoints asks for one release; a small one starts no releaser.
func TestApplyReleasesMemoryAfterLargeSnapshot(t *testing.T) {
	t.Run("large", func(t *testing.T) {
		srv := newMemoryTestServer(t)
		f := newFakeMemory()
		srv.memory = newMemoryReleaser(f.hooks())
		if err := srv.Apply(endpointsSnapshot(t, 10, largeApplyEndpoints/10)); err != nil {
			t.Fatal(err)
		}
		<-f.waits
		f.fire <- struct{}{}
		<-f.released
		srv.stopMemoryRelease() // as Shutdown does
		f.expectIdle(t)
	})
	t.Run("small", func(t *testing.T) {
		srv := newMemoryTestServer(t)
		if err := srv.Apply(endpointsSnapshot(t, 10, 10)); err != nil {
			t.Fatal(err)
		}
		srv.mu.Lock()
		defer srv.mu.Unlock()
		if srv.memory != nil {
			t.Error("a small apply started the releaser")
		}
	})
}

func newMemoryTestServer(t *testing.T) *Server {
	t.Helper()
	srv, err := New(Options{Loops: 1, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(t.Context(), 0) })
	return srv
}

// endpointsSnapshot translates a bootstrap of clusters STATIC clusters with perCluster endpoints
// each, in 10.0.0.0/8, which nothing connects to.
func endpointsSnapshot(t *testing.T, clusters, perCluster int) *config.Snapshot {
	t.Helper()
	var cs []any
	n := 0
	for i := range clusters {
		lbs := make([]any, perCluster)
		for j := range lbs {
			addr := fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
			n++
			lbs[j] = map[string]any{"endpoint": map[string]any{"address": map[string]any{
				"socket_address": map[string]any{"address": addr, "port_value": 8080}}}}
		}
		name := fmt.Sprintf("c%d", i)
		cs = append(cs, map[string]any{"name": name, "type": "STATIC", "connect_timeout": "1s",
			"load_assignment": map[string]any{"cluster_name": name, "endpoints": []any{map[string]any{"lb_endpoints": lbs}}}})
	}
	b, err := json.Marshal(map[string]any{"static_resources": map[string]any{"clusters": cs}})
	if err != nil {
		t.Fatal(err)
	}
	boot, err := config.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := config.Translate(boot)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}
