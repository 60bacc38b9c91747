package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/bench/proc"
	"github.com/skiffmesh/skiff/bench/proxies"
)

func TestLineWriterSplitsPartialWrites(t *testing.T) {
	var got []string
	w := &lineWriter{fn: func(l string) { got = append(got, l) }}
	for _, chunk := range []string{"measure-", "start\nmeasure-end\nres", "ult {}\n", "partial"} {
		w.Write([]byte(chunk))
	}
	if want := "measure-start|measure-end|result {}"; strings.Join(got, "|") != want {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

func TestCPUWindow(t *testing.T) {
	ps := []pinned{{pid: 10, cpu: 0}, {pid: 20, cpu: 1}, {pid: 30, cpu: 0}}
	a := snapshot{
		cpus:  map[int]proc.CPUTimes{0: {}, 1: {}},
		ticks: map[int]uint64{10: 100, 20: 50, 30: 0},
	}
	b := snapshot{
		// cpu 0: 100 ticks, 60 in tasks of which ours 40 -> others 20%.
		// cpu 1: 100 ticks, 10 in tasks but ours 15 (softirq charged to us) -> 0%.
		cpus:  map[int]proc.CPUTimes{0: {User: 50, System: 10, Idle: 35, Steal: 5}, 1: {User: 10, Idle: 90}},
		ticks: map[int]uint64{10: 130, 20: 65, 30: 10},
	}
	w := cpuWindow(a, b, ps, 10)
	if w.Proxy != 30*proc.TickDuration {
		t.Errorf("proxy CPU = %v, want 300ms", w.Proxy)
	}
	if w.Others[0] != 0.2 || w.Others[1] != 0 || w.Steal[0] != 0.05 {
		t.Errorf("others = %v, steal = %v", w.Others, w.Steal)
	}
}

func run(rep int, pl, col string, p50us int, discarded string) Measurement {
	m := Measurement{Rep: rep, Placement: Placement{Name: pl}, Column: col, Discarded: discarded}
	m.Latency.Latency.P50 = time.Duration(p50us) * time.Microsecond
	return m
}

func TestAddedValuesPairsRepsAndFallsBack(t *testing.T) {
	runs := kept([]Measurement{
		run(1, "same-core", Direct, 60, ""),
		run(1, "same-core", "haproxy", 120, ""),
		run(2, "same-core", Direct, 80, ""),
		run(2, "same-core", "haproxy", 150, ""),
		run(3, "same-core", Direct, 500, "others took 90% of cpu 0"),
		run(3, "same-core", "haproxy", 140, ""),
		run(1, "cross-core", Direct, 1, ""),
	}, "same-core")
	m := latencyMetrics(1000)[0]
	got := addedValues(runs, "haproxy", m)
	// Reps 1 and 2 pair with their own direct run; rep 3 uses the median
	// of the kept direct runs (70).
	want := []float64{60, 70, 70}
	if len(got) != len(want) {
		t.Fatalf("added = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("added = %v, want %v", got, want)
		}
	}
}

func TestSummaryTable(t *testing.T) {
	cfg := Config{Rate: 1000, ThroughputConns: 64}
	cols := []column{{name: Direct}, {name: "haproxy", proxy: proxies.HAProxy{}}}
	pls := []Placement{{Name: "same-core"}}
	runs := []Measurement{
		run(1, "same-core", Direct, 60, ""), run(1, "same-core", "haproxy", 120, ""),
		run(2, "same-core", Direct, 80, ""), run(2, "same-core", "haproxy", 150, ""),
	}
	runs[1].ThroughputCPU.Proxy = time.Second
	runs[1].Throughput = loadgen.Result{Requests: 60000, Window: 2 * time.Second}
	runs[1].IdleRSS = 15 << 20
	tb := summaryTable(cfg, cols, pls, runs)
	rows := map[string][]string{}
	for _, r := range tb.Rows {
		rows[r[0]] = r[1:]
	}
	checks := []struct {
		row  string
		want string
	}{
		{"same-core: added p50 (us)", "– | +65 [60-70]"},
		{"same-core: p50 (us)", "70 [60-80] | 135 [120-150]"},
		{"same-core: req per proxy core-second", "– | 60000"},
		{"idle RSS (MB)", "– | 7.5 [0.0-15.0]"},
	}
	for _, c := range checks {
		if got := strings.Join(rows[c.row], " | "); got != c.want {
			t.Errorf("%s = %q, want %q", c.row, got, c.want)
		}
	}
}

func TestJudge(t *testing.T) {
	r := &runner{cfg: Config{ClientCPU: 0, BackendCPU: 1, MaxOthers: 0.5}}
	busy := CPUWindow{Others: map[int]float64{0: 0.1, 1: 0.7}}
	tests := []struct {
		name     string
		m        Measurement
		hasProxy bool
		want     string
	}{
		{"quiet", Measurement{Placement: Placement{ProxyCPU: 0}}, true, ""},
		{"others on another core than the proxy's", Measurement{Placement: Placement{ProxyCPU: 0}, LatencyCPU: busy}, true, ""},
		{"others on the proxy's core", Measurement{Placement: Placement{ProxyCPU: 1}, ThroughputCPU: busy}, true, "others took 70% of cpu 1"},
		{"direct watches both cores", Measurement{LatencyCPU: busy}, false, "others took 70% of cpu 1"},
		{"unfinished", Measurement{Latency: loadgen.Result{Unfinished: 2}}, false, "2 requests unfinished"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.judge(tt.m, tt.hasProxy); got != tt.want {
				t.Errorf("judge = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConfigPlacements(t *testing.T) {
	c := Config{ClientCPU: 0, BackendCPU: 1, Placements: []string{"cross-core", "same-core"}}
	got, err := c.placements()
	if err != nil || got[0] != (Placement{"cross-core", 1}) || got[1] != (Placement{"same-core", 0}) {
		t.Errorf("placements = %v, %v", got, err)
	}
	c.Placements = []string{"nowhere"}
	if _, err := c.placements(); err == nil {
		t.Error("unknown placement accepted")
	}
}

func TestLoadArgs(t *testing.T) {
	base := loadgen.Config{Addr: "127.0.0.1:9", Mode: loadgen.Open, Conns: 16, Rate: 1000, Size: 64,
		Warmup: 2 * time.Second, Duration: 10 * time.Second, Spin: 50 * time.Microsecond, Drain: time.Second}
	const common = "load -addr 127.0.0.1:9 -mode open -conns 16 -rate 1000 -size 64 -warmup 2s -duration 10s -spin 50µs -drain 1s"
	httpCfg := base
	httpCfg.Protocol, httpCfg.Path = loadgen.HTTP, "/1024"
	tests := []struct {
		name string
		cfg  loadgen.Config
		want string
	}{
		{"echo", base, common},
		{"http", httpCfg, common + " -proto http -path /1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(LoadArgs(tt.cfg), " "); got != tt.want {
				t.Errorf("LoadArgs = %q, want %q", got, tt.want)
			}
		})
	}
}
