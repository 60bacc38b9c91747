package runner

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/skiffmesh/skiff/bench/proc"
	"github.com/skiffmesh/skiff/bench/proxies"
	"github.com/skiffmesh/skiff/bench/report"
)

// Scenario is the report section id of the TCP echo scenario.
const Scenario = "tcp-echo"

// runner is the state of one Run call.
type runner struct {
	cfg         Config
	dir         string
	backend     *proc.Process
	backendAddr string
	backendPort int
}

// Run runs the scenario described by cfg: every placement and column in
// every repetition, interleaved, then prints the table and writes the
// report section.
func Run(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	placements, _ := cfg.placements()
	env, err := inspect(cfg)
	if err != nil {
		return err
	}
	r := &runner{cfg: cfg}
	if r.dir, err = os.MkdirTemp("", "skiffbench-"); err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	if !cfg.Keep {
		defer os.RemoveAll(r.dir)
	}
	cols, skipped := columns(cfg.Proxies)
	env.skipped = skipped
	printPreamble(cfg, env, cols, placements)
	if err := r.startBackend(); err != nil {
		return err
	}
	defer r.backend.Stop(stopGrace)
	runs, failures, err := r.interleave(cols, placements)
	if err != nil {
		return err
	}
	env.failed = failures
	return r.finish(env, cols, placements, runs)
}

// columns are Direct followed by every proxy found.
func columns(o proxies.Options) ([]column, []string) {
	found, skipped := proxies.Detect(o)
	cols := []column{{name: Direct}}
	for _, p := range found {
		cols = append(cols, column{name: p.Name(), proxy: p})
	}
	return cols, skipped
}

// interleave runs rep 1 of every placement and column, then rep 2, ...
// A proxy that fails is left out from then on and named in the returned
// failures; a failure of the direct column ends the run.
func (r *runner) interleave(cols []column, placements []Placement) ([]Measurement, []string, error) {
	var runs []Measurement
	var failures []string
	failed := map[string]bool{}
	for rep := 1; rep <= r.cfg.Reps; rep++ {
		for _, pl := range placements {
			for _, col := range cols {
				if failed[col.name] {
					continue
				}
				run, err := r.measure(col, pl, rep)
				if err != nil && col.proxy == nil {
					return nil, nil, err
				}
				if err != nil {
					failed[col.name] = true
					failures = append(failures, fmt.Sprintf("%s: failed, left out from then on: %v", col.name, err))
					fmt.Fprintln(r.cfg.Out, failures[len(failures)-1])
					continue
				}
				fmt.Fprintln(r.cfg.Out, progressLine(r.cfg, run))
				runs = append(runs, run)
			}
		}
	}
	return runs, failures, nil
}

func (r *runner) finish(env environment, cols []column, placements []Placement, runs []Measurement) error {
	table := summaryTable(r.cfg, cols, placements, runs)
	fmt.Fprintf(r.cfg.Out, "\n%s\n", table.Markdown())
	if r.cfg.Keep {
		fmt.Fprintf(r.cfg.Out, "configs and logs kept in %s\n", r.dir)
	}
	if r.cfg.Report == "" {
		return nil
	}
	body := renderSection(r.cfg, env, cols, placements, runs, table)
	if err := report.WriteSection(r.cfg.Report, Scenario, body); err != nil {
		return err
	}
	fmt.Fprintf(r.cfg.Out, "report section %q written to %s\n", Scenario, r.cfg.Report)
	return nil
}

// estimate is how long the whole run takes, roughly.
func estimate(cfg Config, ncols, nplacements int) time.Duration {
	per := 2*cfg.Warmup + cfg.Duration + cfg.ThroughputDuration + time.Second
	return time.Duration(cfg.Reps*ncols*nplacements) * per
}

func mb(b uint64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) }
