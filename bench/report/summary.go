// Package report turns repeated measurements into medians with ranges and
// markdown, and replaces one scenario's section of a report file.
package report

import (
	"fmt"
	"math"
	"slices"
)

// Summary is the median and range of repeated measurements.
type Summary struct {
	Median, Min, Max float64
	N                int
}

// Summarize returns the median (the mean of the two middle values for an
// even count), minimum and maximum of vs. An empty input gives N == 0.
func Summarize(vs []float64) Summary {
	if len(vs) == 0 {
		return Summary{}
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	mid := len(s) / 2
	med := s[mid]
	if len(s)%2 == 0 {
		med = (s[mid-1] + s[mid]) / 2
	}
	return Summary{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// Format renders "median [min-max]" with prec decimals, or "n/a" when
// empty; a single value has no range. Negative numbers use the minus sign
// U+2212 so that the range's hyphen stays unambiguous.
func (s Summary) Format(prec int) string {
	return s.format(prec, false)
}

// FormatSigned is Format with an explicit sign on the median ("+74
// [70-81]"), for differences such as added latency.
func (s Summary) FormatSigned(prec int) string {
	return s.format(prec, true)
}

func (s Summary) format(prec int, signed bool) string {
	if s.N == 0 {
		return "n/a"
	}
	med := number(s.Median, prec)
	if signed && round(s.Median, prec) >= 0 {
		med = "+" + med
	}
	if s.N == 1 {
		return med
	}
	return fmt.Sprintf("%s [%s-%s]", med, number(s.Min, prec), number(s.Max, prec))
}

// number formats v with prec decimals and a U+2212 minus sign.
func number(v float64, prec int) string {
	v = round(v, prec)
	if v < 0 {
		return "\u2212" + fmt.Sprintf("%.*f", prec, -v)
	}
	return fmt.Sprintf("%.*f", prec, v+0) // +0 turns -0 into 0
}

func round(v float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(v*p) / p
}
