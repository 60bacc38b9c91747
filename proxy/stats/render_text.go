package stats

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
)

// WriteText writes Envoy's /stats text: "name: value" lines for counters and gauges sorted by name,
// then one line per histogram with its quantiles,
//
//	name: P0(nan,0) P25(nan,0.25) P50(nan,0.5) ... P100(nan,1)
//
// where each pair is (interval, cumulative) and the interval value is always nan. filter (nil for
// all) is matched against the dotted name; usedOnly skips stats never written. Safe from any
// goroutine while loops keep writing.
func (s *Store) WriteText(w io.Writer, filter *regexp.Regexp, usedOnly bool) error {
	snap := s.collect(dottedNames, filter, usedOnly)
	snap.sortDotted()
	bw := bufio.NewWriterSize(w, 32<<10)
	var line []byte
	for i := range snap.recs {
		r := &snap.recs[i]
		line = append(append(line[:0], snap.text(r.name)...), ": "...)
		line = snap.appendTextValue(line, r)
		_, _ = bw.Write(append(line, '\n'))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("stats: write text: %w", err)
	}
	return nil
}

// appendTextValue appends the value of r as /stats prints it.
func (snap *snapshot) appendTextValue(dst []byte, r *record) []byte {
	switch r.kind {
	case kindCounter:
		return strconv.AppendUint(dst, r.val, 10)
	case kindGauge:
		return strconv.AppendInt(dst, int64(r.val), 10)
	}
	buckets, _ := snap.histogram(r)
	for i, p := range supportedQuantiles() {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, 'P')
		dst = strconv.AppendFloat(dst, p, 'f', -1, 64)
		dst = append(dst, '(')
		dst = appendQuantileValue(dst, math.NaN())
		dst = append(dst, ',')
		dst = appendQuantileValue(dst, quantile(buckets, p))
		dst = append(dst, ')')
	}
	return dst
}
