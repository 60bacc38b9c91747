package runner

import (
	"fmt"
	"time"

	"github.com/skiffmesh/skiff/bench/report"
)

// metric is one row of the summary table. value reports false when the
// run has no such value (e.g. no proxy CPU time was recorded).
type metric struct {
	label     string
	prec      int
	proxyOnly bool
	added     bool // show proxy minus direct of the same rep and placement
	value     func(Measurement) (float64, bool)
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func latencyMetrics(rate float64) []metric {
	p50 := func(r Measurement) (float64, bool) { return us(r.Latency.Latency.P50), true }
	p90 := func(r Measurement) (float64, bool) { return us(r.Latency.Latency.P90), true }
	p99 := func(r Measurement) (float64, bool) { return us(r.Latency.Latency.P99), true }
	return []metric{
		{label: "added p50 (us)", added: true, proxyOnly: true, value: p50},
		{label: "added p90 (us)", added: true, proxyOnly: true, value: p90},
		{label: "added p99 (us)", added: true, proxyOnly: true, value: p99},
		{label: "p50 (us)", value: p50},
		{label: "p90 (us)", value: p90},
		{label: "p99 (us)", value: p99},
		{label: fmt.Sprintf("proxy CPU ms per 1,000 req at %s req/s", thousands(rate)), prec: 1, proxyOnly: true,
			value: func(r Measurement) (float64, bool) { return cpuPerThousand(r.LatencyCPU.Proxy, r.Latency.Requests) }},
	}
}

func throughputMetrics(conns int) []metric {
	return []metric{
		{label: "req per proxy core-second", proxyOnly: true, value: func(r Measurement) (float64, bool) {
			sec := r.ThroughputCPU.Proxy.Seconds()
			return float64(r.Throughput.Requests) / sec, sec > 0
		}},
		{label: "proxy CPU ms per 1,000 req, closed loop", prec: 1, proxyOnly: true,
			value: func(r Measurement) (float64, bool) {
				return cpuPerThousand(r.ThroughputCPU.Proxy, r.Throughput.Requests)
			}},
		{label: fmt.Sprintf("closed-loop req/s (%d conns)", conns),
			value: func(r Measurement) (float64, bool) { return r.Throughput.Throughput(), true }},
	}
}

func memoryMetrics() []metric {
	return []metric{
		{label: "idle RSS (MB)", prec: 1, proxyOnly: true, value: func(r Measurement) (float64, bool) { return float64(r.IdleRSS) / (1 << 20), true }},
		{label: "VmHWM after run (MB)", prec: 1, proxyOnly: true, value: func(r Measurement) (float64, bool) { return float64(r.HWM) / (1 << 20), true }},
	}
}

func cpuPerThousand(cpu time.Duration, requests int64) (float64, bool) {
	if requests == 0 {
		return 0, false
	}
	return float64(cpu) / float64(time.Millisecond) / (float64(requests) / 1000), true
}

// summaryTables has one summary table per variant of sc, in order.
func summaryTables(cfg Config, sc scenario, cols []column, pls []Placement, runs []Measurement) []report.Table {
	out := make([]report.Table, len(sc.variants))
	for i, v := range sc.variants {
		var mine []Measurement
		for _, r := range runs {
			if r.Variant == v.name {
				mine = append(mine, r)
			}
		}
		out[i] = summaryTable(sc.tableConfig(cfg, v), cols, pls, mine)
	}
	return out
}

// summaryTable has one row per metric and placement and one column per
// system, each cell the median [min-max] over kept repetitions (of one
// variant).
func summaryTable(cfg Config, cols []column, pls []Placement, runs []Measurement) report.Table {
	t := report.Table{Header: []string{"metric"}}
	for _, c := range cols {
		t.Header = append(t.Header, c.name)
	}
	perPlacement := append(latencyMetrics(cfg.Rate), throughputMetrics(cfg.ThroughputConns)...)
	for _, pl := range pls {
		for _, m := range perPlacement {
			t.Rows = append(t.Rows, row(pl.Name+": "+m.label, m, cols, kept(runs, pl.Name)))
		}
	}
	for _, m := range memoryMetrics() {
		t.Rows = append(t.Rows, row(m.label, m, cols, kept(runs, "")))
	}
	return t
}

func row(label string, m metric, cols []column, runs []Measurement) []string {
	out := []string{label}
	for _, c := range cols {
		if m.proxyOnly && c.proxy == nil {
			out = append(out, "–")
			continue
		}
		if m.added {
			out = append(out, report.Summarize(addedValues(runs, c.name, m)).FormatSigned(m.prec))
			continue
		}
		out = append(out, report.Summarize(values(runs, c.name, m)).Format(m.prec))
	}
	return out
}

// kept returns the runs not discarded, of placement pl ("" for all).
func kept(runs []Measurement, pl string) []Measurement {
	var out []Measurement
	for _, r := range runs {
		if r.Discarded == "" && (pl == "" || r.Placement.Name == pl) {
			out = append(out, r)
		}
	}
	return out
}

func values(runs []Measurement, col string, m metric) []float64 {
	var out []float64
	for _, r := range runs {
		if v, ok := m.value(r); ok && r.Column == col {
			out = append(out, v)
		}
	}
	return out
}

// addedValues pairs each run of col with the direct run of the same rep
// and placement, so drift between repetitions cancels. When that direct
// run was discarded, the median of the direct runs given stands in (the
// caller passes one placement's runs).
func addedValues(runs []Measurement, col string, m metric) []float64 {
	direct := map[string]float64{}
	var all []float64
	for _, r := range runs {
		if v, ok := m.value(r); ok && r.Column == Direct {
			direct[pairKey(r)] = v
			all = append(all, v)
		}
	}
	fallback := report.Summarize(all)
	var out []float64
	for _, r := range runs {
		v, ok := m.value(r)
		if !ok || r.Column != col {
			continue
		}
		if d, paired := direct[pairKey(r)]; paired {
			out = append(out, v-d)
		} else if fallback.N > 0 {
			out = append(out, v-fallback.Median)
		}
	}
	return out
}

func pairKey(r Measurement) string {
	return fmt.Sprintf("%d/%s/%s", r.Rep, r.Placement.Name, r.Variant)
}

// thousands formats n with comma thousands separators ("1,000").
func thousands(n float64) string {
	s := fmt.Sprintf("%.0f", n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
