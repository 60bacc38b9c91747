package stats

import "sync/atomic"

// Counter is a monotonically increasing count, like Envoy's counters.
//
// Writers pass the shard they own: the event loop with index i passes i; any other goroutine passes
// Shared. Out-of-range shards count as Shared. Updates are one atomic add and never allocate. A
// counter released with its scope discards updates and reads as zero.
type Counter stat

// Inc adds one. See Counter for the shard contract.
func (c *Counter) Inc(shard int) {
	ch := c.chunk.Load()
	atomic.AddUint64(&ch.v[ch.at(shard, c.idx)], 1)
}

// Add adds n. Adding zero marks the counter used without changing it.
func (c *Counter) Add(shard int, n uint64) {
	if n == 0 {
		(*stat)(c).markUsed()
		return
	}
	ch := c.chunk.Load()
	atomic.AddUint64(&ch.v[ch.at(shard, c.idx)], n)
}

// Value returns the sum over all shards. Safe from any goroutine.
func (c *Counter) Value() uint64 {
	ch := c.chunk.Load()
	if ch.sink {
		return 0
	}
	return ch.sum(c.idx, 0)
}

// used reports whether the counter was ever written.
func (c *Counter) used(v uint64) bool { return v != 0 || (*stat)(c).usedFlag() }
