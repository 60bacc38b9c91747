package stats

import "sync/atomic"

// Gauge is a value that goes up and down, like Envoy's gauges. Its value is the last value given to
// Set plus the sum of every delta added on any shard.
//
// Add, Inc and Dec follow the shard contract of Counter. Set is for gauges with one non-loop owner
// (server.uptime, server.live) and may be called from one goroutine at a time. A gauge released with
// its scope discards updates and reads as zero.
type Gauge stat

// Add adds d (which may be negative) on shard.
func (g *Gauge) Add(shard int, d int64) {
	(*stat)(g).markUsed()
	ch := g.chunk.Load()
	atomic.AddUint64(&ch.v[ch.at(shard, g.idx)], uint64(d))
}

// Inc adds one on shard.
func (g *Gauge) Inc(shard int) { g.Add(shard, 1) }

// Dec subtracts one on shard.
func (g *Gauge) Dec(shard int) { g.Add(shard, -1) }

// Set replaces the set part of the value; deltas added on shards still count on top of it.
func (g *Gauge) Set(v int64) {
	(*stat)(g).markUsed()
	ch := g.chunk.Load()
	atomic.StoreUint64(&ch.v[ch.rows*ch.stride+int(g.idx)], uint64(v))
}

// Value returns the set value plus the sum of deltas over all shards. Safe from any goroutine.
func (g *Gauge) Value() int64 {
	ch := g.chunk.Load()
	if ch.sink {
		return 0
	}
	return int64(ch.sum(g.idx, 0))
}
