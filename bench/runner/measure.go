package runner

import (
	"fmt"
	"time"

	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/bench/proc"
	"github.com/skiffmesh/skiff/bench/proxies"
)

// Direct is the column name of the connection without a proxy.
const Direct = "direct"

// column is one system under test; proxy is nil for Direct.
type column struct {
	name  string
	proxy proxies.Proxy
}

// Measurement is one column measured once in one placement.
type Measurement struct {
	Rep       int
	Placement Placement
	// Variant is the scenario variant's name ("" for a scenario's only one).
	Variant string
	Column  string
	// Latency is the open-loop run, Throughput the closed-loop one.
	Latency, Throughput       loadgen.Result
	LatencyCPU, ThroughputCPU CPUWindow
	// IdleRSS is VmRSS once ready, before any traffic; HWM is VmHWM after
	// both runs. Zero for Direct.
	IdleRSS, HWM uint64
	// Discarded, if set, says why the run is left out of the summary.
	Discarded string
}

// measure starts col's proxy (if any) in placement pl, runs the latency
// and the throughput load of variant v against it, and stops it.
func (r *runner) measure(col column, pl Placement, v variant, rep int) (Measurement, error) {
	run := Measurement{Rep: rep, Placement: pl, Variant: v.name, Column: col.name}
	target, proxyPID := r.backendAddr, 0
	watch := []pinned{{r.backend.Pid(), r.cfg.BackendCPU}}
	if col.proxy != nil {
		in, err := r.startProxy(col.proxy, pl.ProxyCPU, fmt.Sprintf("%s-%s-%d-%d", col.name, pl.Name, v.size, rep))
		if err != nil {
			return run, err
		}
		defer in.proc.Stop(stopGrace)
		target, proxyPID = in.listen, in.proc.Pid()
		watch = append(watch, pinned{proxyPID, pl.ProxyCPU})
		st, err := proc.ReadStatus(proxyPID)
		if err != nil {
			return run, err
		}
		run.IdleRSS = st.RSS
	}
	if err := r.measureLoads(&run, v, target, watch, proxyPID); err != nil {
		return run, fmt.Errorf("%s %s%s rep %d: %w", col.name, pl.Name, variantText(v), rep, err)
	}
	if proxyPID != 0 {
		st, err := proc.ReadStatus(proxyPID)
		if err != nil {
			return run, err
		}
		run.HWM = st.HWM
	}
	run.Discarded = r.judge(run, proxyPID != 0)
	return run, nil
}

func (r *runner) measureLoads(run *Measurement, v variant, target string, watch []pinned, proxyPID int) error {
	var err error
	run.Latency, run.LatencyCPU, err = r.runLoad(r.latencyLoad(target, v), watch, proxyPID)
	if err != nil {
		return err
	}
	run.Throughput, run.ThroughputCPU, err = r.runLoad(r.throughputLoad(target, v), watch, proxyPID)
	return err
}

func (r *runner) latencyLoad(addr string, v variant) loadgen.Config {
	return r.sc.load(v, loadgen.Config{
		Addr: addr, Mode: loadgen.Open, Conns: r.cfg.Conns, Rate: r.cfg.Rate,
		Warmup: r.cfg.Warmup, Duration: r.cfg.Duration, Spin: r.cfg.Spin, Drain: drain,
	})
}

func (r *runner) throughputLoad(addr string, v variant) loadgen.Config {
	return r.sc.load(v, loadgen.Config{
		Addr: addr, Mode: loadgen.Closed, Conns: r.cfg.ThroughputConns,
		Warmup: r.cfg.Warmup, Duration: r.cfg.ThroughputDuration, Drain: drain,
	})
}

// variantText is " (name)" for a named variant, for messages.
func variantText(v variant) string {
	if v.name == "" {
		return ""
	}
	return " (" + v.name + ")"
}

// drain is how long requests of a window may take to finish after it.
const drain = 2 * time.Second

// judge says why a run must be left out, or "" to keep it: requests that
// never completed, or other processes taking more than MaxOthers of the
// proxy's core (of either core for direct) in a window.
func (r *runner) judge(run Measurement, hasProxy bool) string {
	if n := run.Latency.Unfinished + run.Throughput.Unfinished; n > 0 {
		return fmt.Sprintf("%d requests unfinished", n)
	}
	cpus := []int{r.cfg.ClientCPU, r.cfg.BackendCPU}
	if hasProxy {
		cpus = []int{run.Placement.ProxyCPU}
	}
	for _, w := range []CPUWindow{run.LatencyCPU, run.ThroughputCPU} {
		for _, cpu := range cpus {
			if o := w.Others[cpu]; o > r.cfg.MaxOthers {
				return fmt.Sprintf("others took %.0f%% of cpu %d", 100*o, cpu)
			}
		}
	}
	return ""
}
