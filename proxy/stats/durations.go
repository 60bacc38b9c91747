package stats

import (
	"sync/atomic"
	"time"
)

// Durations is a histogram of durations with Envoy's default bucket bounds in milliseconds, kept
// in plain atomic words (168 bytes) outside any Store, for values that belong to an object with
// its own lifetime, such as an upstream host. Record may be called from any goroutine; a Source
// renders it with PromWriter.Histogram. The zero value is empty and ready to use.
type Durations struct {
	b   [numBounds + 1]atomic.Uint64 // per bucket; the last is +Inf
	sum atomic.Uint64                // nanoseconds
}

// durationBounds are the bucket bounds of Durations in nanoseconds.
var durationBounds = makeUnitBounds()[Milliseconds]

// Record adds d (negative counts as zero).
func (h *Durations) Record(d time.Duration) {
	v := uint64(max(d, 0))
	i := numBounds
	for j, b := range durationBounds {
		if v <= b {
			i = j
			break
		}
	}
	h.b[i].Add(1)
	h.sum.Add(v)
}

// Count returns the number of recorded durations.
func (h *Durations) Count() uint64 {
	var n uint64
	for i := range h.b {
		n += h.b[i].Load()
	}
	return n
}

// Quantile estimates the p-th percentile (0..100) in milliseconds; NaN when empty.
func (h *Durations) Quantile(p float64) float64 {
	var buckets [numBounds + 1]uint64
	for i := range h.b {
		buckets[i] = h.b[i].Load()
	}
	return quantile(buckets[:], p)
}
