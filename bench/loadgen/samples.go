package loadgen

import (
	"math"
	"slices"
	"time"
)

// Samples holds every latency sample of a run, in nanoseconds. Add does
// not allocate while the length stays within the capacity given to
// NewSamples.
type Samples struct {
	v []int64
}

// NewSamples returns an empty sample set with room for n samples.
func NewSamples(n int) *Samples {
	return &Samples{v: make([]int64, 0, n)}
}

// Add records one sample.
func (s *Samples) Add(d int64) { s.v = append(s.v, d) }

// Len is the number of samples recorded.
func (s *Samples) Len() int { return len(s.v) }

// Percentiles sorts the samples in place and summarises them.
func (s *Samples) Percentiles() Percentiles {
	slices.Sort(s.v)
	return Percentiles{
		P50:  Percentile(s.v, 50),
		P90:  Percentile(s.v, 90),
		P99:  Percentile(s.v, 99),
		P999: Percentile(s.v, 99.9),
		Max:  Percentile(s.v, 100),
	}
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, the smallest value such that at least p percent of the samples
// are less than or equal to it. It returns 0 for an empty slice.
func Percentile(sorted []int64, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// Nearest rank ceil(p/100 * n); the epsilon absorbs float error such
	// as 99.9*1000/100 = 999.0000000000001.
	rank := int(math.Ceil(p*float64(n)/100 - 1e-9))
	rank = min(max(rank, 1), n)
	return time.Duration(sorted[rank-1])
}

// Percentiles summarises a latency distribution.
type Percentiles struct {
	P50  time.Duration `json:"p50_ns"`
	P90  time.Duration `json:"p90_ns"`
	P99  time.Duration `json:"p99_ns"`
	P999 time.Duration `json:"p999_ns"`
	Max  time.Duration `json:"max_ns"`
}
