package stats

import (
	"math"
	"strconv"
)

// numQuantiles is the number of quantiles Envoy reports for a histogram.
const numQuantiles = 10

// supportedQuantiles returns the quantiles Envoy reports, in percent.
func supportedQuantiles() [numQuantiles]float64 {
	return [numQuantiles]float64{0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100}
}

// quantile estimates the p-th percentile (0..100), in the histogram's unit, from bucket counts by
// linear interpolation inside the bucket that holds it. Values in the +Inf bucket are reported as
// the largest finite bound. It returns NaN when there are no values.
func quantile(buckets []uint64, p float64) float64 {
	var total uint64
	for _, c := range buckets {
		total += c
	}
	if total == 0 {
		return math.NaN()
	}
	bounds := defaultBounds()
	rank := p / 100 * float64(total)
	var cum float64
	for i, c := range buckets {
		if c == 0 {
			continue
		}
		if next := cum + float64(c); next >= rank || i == numBounds {
			lo, hi := 0.0, bounds[numBounds-1]
			if i > 0 {
				lo = bounds[i-1]
			}
			if i < numBounds {
				hi = bounds[i]
			}
			return lo + (hi-lo)*(rank-cum)/float64(c)
		}
		cum += float64(c)
	}
	return bounds[numBounds-1]
}

// appendQuantileValue appends v the way Envoy prints quantiles: "nan" or a short number.
func appendQuantileValue(dst []byte, v float64) []byte {
	if math.IsNaN(v) {
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, v, 'g', 6, 64)
}
