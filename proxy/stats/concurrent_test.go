package stats

import (
	"fmt"
	"io"
	"regexp"
	"sync"
	"testing"
	"time"
)

// TestConcurrentWritersAndReaders runs one writer per loop shard, several Shared writers, renderers
// and a goroutine that creates and releases host scopes, all at once (meant for go test -race).
func TestConcurrentWritersAndReaders(t *testing.T) {
	const loops, sharedWriters, iterations = 2, 3, 2000
	s := NewStore(loops)
	cl := s.Scope(S("cluster"), T("envoy_cluster_name", "x"))
	c := cl.Counter("upstream_rq_total")
	g := cl.Gauge("upstream_rq_active")
	h := cl.Histogram("upstream_rq_time", Milliseconds)

	var writers, others sync.WaitGroup
	write := func(shard int) {
		defer writers.Done()
		for i := range iterations {
			c.Inc(shard)
			g.Inc(shard)
			h.RecordDuration(shard, time.Duration(i)*time.Microsecond)
			g.Dec(shard)
		}
	}
	for shard := range loops {
		writers.Add(1)
		go write(shard)
	}
	for range sharedWriters {
		writers.Add(1)
		go write(Shared)
	}
	done := make(chan struct{})
	others.Add(2)
	go func() { defer others.Done(); churnHosts(t, cl, done) }()
	go func() { defer others.Done(); render(t, s, done) }()
	writers.Wait()
	close(done)
	others.Wait()

	const total = (loops + sharedWriters) * iterations
	if c.Value() != total || g.Value() != 0 || h.Count() != total {
		t.Fatalf("counter %d, gauge %d, histogram count %d; want %d, 0, %d", c.Value(), g.Value(), h.Count(), total, total)
	}
}

// churnHosts creates, writes and releases host scopes until done is closed.
func churnHosts(t *testing.T, cl *Scope, done <-chan struct{}) {
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		default:
		}
		host := cl.Scope(T("host", fmt.Sprint("10.0.0.", i%50)))
		c := host.Counter("rq_total")
		c.Inc(Shared)
		host.Histogram("rq_time", Bytes).Record(Shared, 10)
		if c.Value() != 1 {
			t.Errorf("new host counter = %d, want 1", c.Value())
			return
		}
		host.Release()
		c.Inc(Shared) // stale
	}
}

// render writes every format until done is closed.
func render(t *testing.T, s *Store, done <-chan struct{}) {
	filter := regexp.MustCompile(`rq`)
	for {
		select {
		case <-done:
			return
		default:
		}
		for _, err := range []error{
			s.WriteText(io.Discard, filter, false),
			s.WriteJSON(io.Discard, nil, true),
			s.WritePrometheus(io.Discard, false),
		} {
			if err != nil {
				t.Error(err)
				return
			}
		}
		s.CounterValue("cluster.x.upstream_rq_total")
	}
}
