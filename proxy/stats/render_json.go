package stats

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// WriteJSON writes Envoy's /stats?format=json:
//
//	{"stats":[{"name":"a.b","value":1},...,{"histograms":{"supported_quantiles":[0,25,...],
//	"computed_quantiles":[{"name":"h","values":[{"interval":null,"cumulative":1.05},...]}]}}]}
//
// The histograms element is present only when a histogram passes the filters; interval values are
// always null, as are cumulative values of empty histograms. filter and usedOnly work as in
// WriteText. Safe from any goroutine while loops keep writing.
func (s *Store) WriteJSON(w io.Writer, filter *regexp.Regexp, usedOnly bool) error {
	snap := s.collect(dottedNames, filter, usedOnly)
	snap.sortDotted()
	bw := bufio.NewWriterSize(w, 32<<10)
	_, _ = bw.WriteString(`{"stats":[`)
	var b []byte
	i := 0
	for ; i < len(snap.recs) && snap.recs[i].kind != kindHistogram; i++ {
		r := &snap.recs[i]
		b = appendJSONSep(b[:0], i)
		b = appendJSONString(append(b, `{"name":`...), snap.text(r.name))
		b = snap.appendTextValue(append(b, `,"value":`...), r)
		_, _ = bw.Write(append(b, '}'))
	}
	if i < len(snap.recs) {
		_, _ = bw.Write(appendJSONSep(nil, i))
		snap.writeJSONHistograms(bw, snap.recs[i:])
	}
	_, _ = bw.WriteString("]}")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("stats: write json: %w", err)
	}
	return nil
}

func appendJSONSep(dst []byte, i int) []byte {
	if i > 0 {
		return append(dst, ',')
	}
	return dst
}

// writeJSONHistograms writes the histograms element for hists.
func (snap *snapshot) writeJSONHistograms(bw *bufio.Writer, hists []record) {
	b := []byte(`{"histograms":{"supported_quantiles":[`)
	for i, p := range supportedQuantiles() {
		b = strconv.AppendFloat(appendJSONSep(b, i), p, 'f', -1, 64)
	}
	_, _ = bw.Write(append(b, `],"computed_quantiles":[`...))
	for i := range hists {
		r := &hists[i]
		b = appendJSONString(append(appendJSONSep(b[:0], i), `{"name":`...), snap.text(r.name))
		b = append(b, `,"values":[`...)
		buckets, _ := snap.histogram(r)
		for j, p := range supportedQuantiles() {
			b = append(appendJSONSep(b, j), `{"interval":null,"cumulative":`...)
			b = append(appendJSONNumber(b, quantile(buckets, p)), '}')
		}
		_, _ = bw.Write(append(b, "]}"...))
	}
	_, _ = bw.WriteString("]}}")
}

func appendJSONNumber(dst []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, v, 'g', 6, 64)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		case r == utf8.RuneError && n == 1:
			dst = append(dst, "\ufffd"...)
		default:
			dst = append(dst, s[:n]...)
		}
		s = s[n:]
	}
	return append(dst, '"')
}
