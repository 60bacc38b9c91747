package server

import (
	"runtime/debug"
	"sync"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
)

// Returning memory after large configuration changes.
//
// Reading, translating and applying a large configuration allocates several times what it keeps:
// the bootstrap text, its protos, intermediate slices. At 100,000 endpoints the heap peaks near
// 100 MiB for under 20 MiB kept. The Go runtime collects that garbage only when the heap has grown
// by GOGC percent since the last cycle, which for a proxy whose heap no longer grows may be
// minutes away, and then returns the freed pages to the OS only gradually (the background
// scavenger). Until then the process's RSS stays near the peak.
//
// So after an Apply whose snapshot holds at least largeApplyEndpoints endpoints, the server calls
// debug.FreeOSMemory: a full garbage collection, then every free page returned at once. That costs
// one GC cycle (short stop-the-world pauses, and concurrent marking that shares the CPUs with the
// event loops while it lasts), so it runs on a goroutine of its own, never on an
// event loop or under Server.mu; at most once per releaseInterval; and a burst of applies (a
// control plane pushing one change after another) shares one release, settleDelay after the first.
const (
	largeApplyEndpoints = 10_000
	settleDelay         = time.Second
	releaseInterval     = 10 * time.Second
)

// largeApply reports whether applying snap is worth a release: whether its clusters hold at
// least largeApplyEndpoints endpoints in total, counting for each cluster its configured
// endpoints or, when more, hosts(name): STATIC clusters hand their endpoints to the cluster
// manager, which keeps them only as hosts. It costs one pass over the clusters.
func largeApply(snap *config.Snapshot, hosts func(cluster string) int) bool {
	n := 0
	for _, c := range snap.Clusters {
		n += max(len(c.Endpoints), hosts(c.Name))
	}
	return n >= largeApplyEndpoints
}

// hostCount is the number of hosts of cluster name in the cluster manager (0 if none).
func (s *Server) hostCount(name string) int {
	if c := s.clusters.Get(name); c != nil {
		return len(c.Hosts())
	}
	return 0
}

// releaseAfterApply asks for a release when snap, just applied, is large. The caller holds s.mu.
func (s *Server) releaseAfterApply(snap *config.Snapshot) {
	if s.closed || !largeApply(snap, s.hostCount) {
		return
	}
	if s.memory == nil {
		s.memory = newMemoryReleaser(memoryHooks{})
	}
	s.memory.request()
}

// stopMemoryRelease stops the releaser's goroutine, if any, and waits for it; a release under way
// completes first. Called by Shutdown.
func (s *Server) stopMemoryRelease() {
	s.mu.Lock()
	r := s.memory
	s.mu.Unlock()
	if r != nil {
		r.close()
	}
}

// memoryHooks are the releaser's side effects; zero fields mean the real ones. Tests replace them.
type memoryHooks struct {
	release func()           // debug.FreeOSMemory
	now     func() time.Time // time.Now
	// wait waits d or until stop is closed, reporting whether d passed.
	wait func(d time.Duration, stop <-chan struct{}) bool
}

// memoryReleaser runs release on one goroutine when asked, coalescing requests: one that arrives
// while a release is pending joins it; one that arrives during a release causes one more,
// releaseInterval after the start of that one.
type memoryReleaser struct {
	hooks memoryHooks
	kick  chan struct{} // capacity 1: a pending request
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// newMemoryReleaser starts the releaser's goroutine; close stops it.
func newMemoryReleaser(h memoryHooks) *memoryReleaser {
	if h.release == nil {
		h.release = debug.FreeOSMemory
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.wait == nil {
		h.wait = waitTimer
	}
	r := &memoryReleaser{hooks: h, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go r.run()
	return r
}

// request asks for a release; it never blocks. Any goroutine.
func (r *memoryReleaser) request() {
	select {
	case r.kick <- struct{}{}:
	default: // one is pending already
	}
}

// close stops the goroutine and waits for it. Any goroutine; idempotent.
func (r *memoryReleaser) close() {
	r.once.Do(func() { close(r.stop) })
	<-r.done
}

func (r *memoryReleaser) run() {
	defer close(r.done)
	var last time.Time // start of the previous release; zero before the first
	for {
		select {
		case <-r.stop:
			return
		case <-r.kick:
		}
		d := settleDelay
		if !last.IsZero() {
			d = max(d, releaseInterval-r.hooks.now().Sub(last))
		}
		if !r.hooks.wait(d, r.stop) {
			return
		}
		select {
		case <-r.kick: // arrived while waiting: this release covers it
		default:
		}
		last = r.hooks.now()
		r.hooks.release()
	}
}

// waitTimer waits d or until stop is closed, reporting whether d passed.
func waitTimer(d time.Duration, stop <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}
