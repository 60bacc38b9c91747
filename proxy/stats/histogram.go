package stats

import (
	"sync/atomic"
	"time"
)

// Unit is the unit of the values a histogram records.
type Unit int

const (
	Unspecified Unit = iota
	Milliseconds
	Microseconds
	Bytes
)

// numBounds is the number of finite bucket bounds; a slot holds numBounds+1 bucket counts (the last
// one is +Inf) and the sum.
const (
	numBounds = 19
	sumWord   = numBounds + 1
	histWidth = numBounds + 2
)

// defaultBounds returns Envoy's default histogram bucket bounds, in the histogram's unit.
func defaultBounds() [numBounds]float64 {
	return [numBounds]float64{0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
		60000, 300000, 600000, 1800000, 3600000}
}

// scale is the number of internal units per unit: time histograms keep nanoseconds, so fractions of
// a millisecond land in the right bucket and add up in the sum; the others keep whole units.
func (u Unit) scale() uint64 {
	switch u {
	case Milliseconds:
		return uint64(time.Millisecond)
	case Microseconds:
		return uint64(time.Microsecond)
	default:
		return 1
	}
}

// unitBounds holds, per unit, the bucket bounds in internal units (a value v falls in the first
// bucket whose bound is >= v).
type unitBounds [4][numBounds]uint64

func makeUnitBounds() *unitBounds {
	var ub unitBounds
	for u := range ub {
		sc := float64(Unit(u).scale())
		for i, b := range defaultBounds() {
			ub[u][i] = uint64(b * sc)
		}
	}
	return &ub
}

// bucket returns the bucket of internal value v.
func (ub *unitBounds) bucket(u Unit, v uint64) int {
	for i, b := range ub[u] {
		if v <= b {
			return i
		}
	}
	return numBounds
}

// Histogram counts values in Envoy's default buckets and keeps their sum. Writers follow the shard
// contract of Counter; Record never allocates. A histogram released with its scope discards values.
type Histogram stat

// Record records v, in the histogram's unit.
func (h *Histogram) Record(shard int, v uint64) {
	u := (*stat)(h).unit()
	h.record(shard, u, v*u.scale())
}

// RecordDuration records d converted to the histogram's unit. Milliseconds and Microseconds keep
// fractions (0.3 ms lands in the 0.5 bucket); other units record whole milliseconds. Negative
// durations count as zero.
func (h *Histogram) RecordDuration(shard int, d time.Duration) {
	d = max(d, 0)
	switch u := (*stat)(h).unit(); u {
	case Milliseconds, Microseconds:
		h.record(shard, u, uint64(d))
	default:
		h.record(shard, u, uint64(d/time.Millisecond))
	}
}

func (h *Histogram) record(shard int, u Unit, v uint64) {
	ch := h.chunk.Load()
	base := ch.at(shard, h.idx)
	atomic.AddUint64(&ch.v[base+ch.bounds.bucket(u, v)], 1)
	atomic.AddUint64(&ch.v[base+sumWord], v)
}

// Unit returns the unit the histogram was created with.
func (h *Histogram) Unit() Unit { return (*stat)(h).unit() }

// Count returns the number of recorded values. Safe from any goroutine.
func (h *Histogram) Count() uint64 {
	ch := h.chunk.Load()
	if ch.sink {
		return 0
	}
	var n uint64
	for b := range numBounds + 1 {
		n += ch.sum(h.idx, b)
	}
	return n
}

// Sum returns the sum of recorded values in the histogram's unit. Safe from any goroutine.
func (h *Histogram) Sum() float64 {
	ch := h.chunk.Load()
	if ch.sink {
		return 0
	}
	return float64(ch.sum(h.idx, sumWord)) / float64(h.Unit().scale())
}
