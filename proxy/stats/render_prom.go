package stats

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// WritePrometheus writes every stat (or, with usedOnly, every stat ever written) in the Prometheus
// text exposition format 0.0.4. Metric names are "envoy_" and the plain segments joined by '_'; tag
// segments become labels. Each family has one # TYPE line followed by all of its series. If two
// kinds of stat map to one family name, the series of the first kind (counter, gauge, histogram)
// are kept. The families of registered Sources follow. Safe from any goroutine while loops keep
// writing.
func (s *Store) WritePrometheus(w io.Writer, usedOnly bool) error {
	snap := s.collect(promNames, nil, usedOnly)
	snap.sortProm()
	les := leValues()
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	fam, famKind := int32(-1), kind(0)
	for i := range snap.recs {
		r := &snap.recs[i]
		line = line[:0]
		if r.fam != fam {
			fam, famKind = r.fam, r.kind
			line = appendTypeLine(line, snap.text(r.name), r.kind)
		} else if r.kind != famKind {
			continue
		}
		line = snap.appendSeries(line, r, &les)
		_, _ = bw.Write(line)
	}
	s.writeSources(bw, snap, &les, usedOnly)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("stats: write prometheus: %w", err)
	}
	return nil
}

// leValues returns the le label values of the bucket bounds.
func leValues() [numBounds + 1]string {
	var les [numBounds + 1]string
	for i, b := range defaultBounds() {
		les[i] = strconv.FormatFloat(b, 'f', -1, 64)
	}
	les[numBounds] = "+Inf"
	return les
}

func appendTypeLine(dst, fam []byte, k kind) []byte {
	dst = append(append(dst, "# TYPE "...), fam...)
	switch k {
	case kindCounter:
		return append(dst, " counter\n"...)
	case kindGauge:
		return append(dst, " gauge\n"...)
	}
	return append(dst, " histogram\n"...)
}

// appendSeries appends the sample lines of r.
func (snap *snapshot) appendSeries(dst []byte, r *record, les *[numBounds + 1]string) []byte {
	fam, labels := snap.text(r.name), snap.text(r.labels)
	switch r.kind {
	case kindCounter:
		return append(strconv.AppendUint(appendSample(dst, fam, "", labels, "", ""), r.val, 10), '\n')
	case kindGauge:
		return append(strconv.AppendInt(appendSample(dst, fam, "", labels, "", ""), int64(r.val), 10), '\n')
	}
	buckets, sum := snap.histogram(r)
	var cum uint64
	for i, c := range buckets {
		cum += c
		dst = appendSample(dst, fam, "_bucket", labels, "le", les[i])
		dst = append(strconv.AppendUint(dst, cum, 10), '\n')
	}
	dst = appendSample(dst, fam, "_sum", labels, "", "")
	dst = append(strconv.AppendFloat(dst, float64(sum)/float64(Unit(r.unit).scale()), 'g', -1, 64), '\n')
	dst = appendSample(dst, fam, "_count", labels, "", "")
	return append(strconv.AppendUint(dst, cum, 10), '\n')
}

// appendSample appends "name{labels,key="value"} " (braces only when there are labels).
func appendSample(dst, fam []byte, suffix string, labels []byte, key, value string) []byte {
	dst = append(append(dst, fam...), suffix...)
	if len(labels) == 0 && key == "" {
		return append(dst, ' ')
	}
	dst = append(append(dst, '{'), labels...)
	if key != "" {
		if len(labels) > 0 {
			dst = append(dst, ',')
		}
		dst = append(append(append(append(dst, key...), `="`...), value...), '"')
	}
	return append(dst, "} "...)
}

// writeSources lets every registered Source write its families after the store's own.
func (s *Store) writeSources(bw *bufio.Writer, snap *snapshot, les *[numBounds + 1]string, usedOnly bool) {
	srcs := s.srcs.list()
	if len(srcs) == 0 {
		return
	}
	w := &PromWriter{bw: bw, les: les, used: make(map[string]bool, len(snap.famIndex))}
	for name := range snap.famIndex {
		w.used[name] = true
	}
	for _, src := range srcs {
		src.WritePrometheus(w, usedOnly)
	}
}
