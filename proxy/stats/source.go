package stats

import (
	"bufio"
	"strconv"
	"sync"
)

// Source supplies Prometheus series that do not live in the Store: values kept next to the objects
// they describe, such as per-upstream-host counters, whose number can be in the hundreds of
// thousands and which must cost no name, slot or table entry in the store. WritePrometheus calls
// every Source after the store's own families; a Source writes one family at a time through the
// PromWriter and must not call back into the Store.
type Source interface {
	WritePrometheus(w *PromWriter, usedOnly bool)
}

// sources is the list of registered Sources, guarded by its own lock so that a Source may be added
// while stats are being created.
type sources struct {
	mu   sync.Mutex
	next int
	srcs map[int]Source
}

// AddSource registers src for WritePrometheus and returns the function that removes it.
func (s *Store) AddSource(src Source) (remove func()) {
	s.srcs.mu.Lock()
	defer s.srcs.mu.Unlock()
	if s.srcs.srcs == nil {
		s.srcs.srcs = map[int]Source{}
	}
	id := s.srcs.next
	s.srcs.next++
	s.srcs.srcs[id] = src
	return func() {
		s.srcs.mu.Lock()
		defer s.srcs.mu.Unlock()
		delete(s.srcs.srcs, id)
	}
}

// list returns the registered Sources in registration order.
func (t *sources) list() []Source {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Source, 0, len(t.srcs))
	for id := range t.next {
		if src, ok := t.srcs[id]; ok {
			out = append(out, src)
		}
	}
	return out
}

// Label is one Prometheus label of a series written by a Source.
type Label struct{ Name, Value string }

// PromWriter writes the series of a Source in the text exposition format. Start a family with
// CounterFamily, GaugeFamily or HistogramFamily, then write its series. A family whose name the
// store already used is skipped (its series are dropped), so the output stays valid.
type PromWriter struct {
	bw   *bufio.Writer
	line []byte
	fam  []byte // current family name
	les  *[numBounds + 1]string
	used map[string]bool // family names written so far
	skip bool
}

// CounterFamily starts the counter family name (already a valid metric name, e.g.
// "envoy_cluster_host_rq_total"). It reports false when the family is skipped.
func (w *PromWriter) CounterFamily(name string) bool { return w.family(name, kindCounter) }

// GaugeFamily starts a gauge family, like CounterFamily.
func (w *PromWriter) GaugeFamily(name string) bool { return w.family(name, kindGauge) }

// HistogramFamily starts a histogram family of durations in milliseconds, like CounterFamily.
func (w *PromWriter) HistogramFamily(name string) bool { return w.family(name, kindHistogram) }

func (w *PromWriter) family(name string, k kind) bool {
	w.skip = w.used[name]
	if w.skip {
		return false
	}
	w.used[name] = true
	w.fam = append(w.fam[:0], name...)
	w.line = appendTypeLine(w.line[:0], w.fam, k)
	_, _ = w.bw.Write(w.line)
	return true
}

// Counter writes one series of the current counter family.
func (w *PromWriter) Counter(labels []Label, v uint64) {
	if w.skip {
		return
	}
	w.write(strconv.AppendUint(w.sample("", labels, "", ""), v, 10))
}

// Gauge writes one series of the current gauge family.
func (w *PromWriter) Gauge(labels []Label, v int64) {
	if w.skip {
		return
	}
	w.write(strconv.AppendInt(w.sample("", labels, "", ""), v, 10))
}

// Histogram writes one series of the current histogram family from d.
func (w *PromWriter) Histogram(labels []Label, d *Durations) {
	if w.skip {
		return
	}
	var cum uint64
	for i := range d.b {
		cum += d.b[i].Load()
		w.write(strconv.AppendUint(w.sample("_bucket", labels, "le", w.les[i]), cum, 10))
	}
	sum := float64(d.sum.Load()) / float64(Milliseconds.scale())
	w.write(strconv.AppendFloat(w.sample("_sum", labels, "", ""), sum, 'g', -1, 64))
	w.write(strconv.AppendUint(w.sample("_count", labels, "", ""), cum, 10))
}

// sample returns the family name, suffix and labels (with the extra label key=value if key is not
// empty) followed by a space, in a buffer reused by the next sample.
func (w *PromWriter) sample(suffix string, labels []Label, key, value string) []byte {
	w.line = append(append(w.line[:0], w.fam...), suffix...)
	w.line = appendLabels(w.line, labels, key, value)
	return w.line
}

func (w *PromWriter) write(b []byte) { _, _ = w.bw.Write(append(b, '\n')) }

// appendLabels appends {a="x",...,key="value"} and a space; no braces without labels.
func appendLabels(dst []byte, labels []Label, key, value string) []byte {
	if len(labels) == 0 && key == "" {
		return append(dst, ' ')
	}
	dst = append(dst, '{')
	for i, l := range labels {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendLabelName(dst, l.Name)
		dst = append(appendLabelValue(append(dst, `="`...), l.Value), '"')
	}
	if key != "" {
		if len(labels) > 0 {
			dst = append(dst, ',')
		}
		dst = append(append(append(append(dst, key...), `="`...), value...), '"')
	}
	return append(dst, "} "...)
}
