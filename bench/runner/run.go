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

// runner is the state of one scenario of a Run call.
type runner struct {
	cfg         Config
	sc          scenario
	dir         string
	backend     *proc.Process
	backendAddr string
	backendPort int
}

// Run runs every scenario of cfg in turn: each placement, variant and
// column in every repetition, interleaved; after each scenario it prints
// its tables and writes its report section.
func Run(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	placements, _ := cfg.placements()
	scenarios, _ := cfg.scenarios()
	for _, sc := range scenarios {
		if err := runScenario(cfg, sc, placements); err != nil {
			return err
		}
	}
	return nil
}

func runScenario(cfg Config, sc scenario, placements []Placement) error {
	env, err := inspect(cfg)
	if err != nil {
		return err
	}
	r := &runner{cfg: cfg, sc: sc}
	if r.dir, err = os.MkdirTemp("", "skiffbench-"+sc.id+"-"); err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	if !cfg.Keep {
		defer os.RemoveAll(r.dir)
	}
	cols, skipped := columns(cfg.Proxies, sc.proto)
	env.skipped = skipped
	printPreamble(cfg, sc, env, cols, placements)
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

// columns are Direct followed by every proxy found for proto.
func columns(o proxies.Options, proto proxies.Protocol) ([]column, []string) {
	found, skipped := proxies.Detect(o, proto)
	cols := []column{{name: Direct}}
	for _, p := range found {
		cols = append(cols, column{name: p.Name(), proxy: p})
	}
	return cols, skipped
}

// interleave runs rep 1 of every placement, variant and column, then rep
// 2, ... A proxy that fails is left out from then on and named in the
// returned failures; a failure of the direct column ends the run.
func (r *runner) interleave(cols []column, placements []Placement) ([]Measurement, []string, error) {
	var runs []Measurement
	var failures []string
	failed := map[string]bool{}
	for rep := 1; rep <= r.cfg.Reps; rep++ {
		for _, pl := range placements {
			for _, v := range r.sc.variants {
				for _, col := range cols {
					if failed[col.name] {
						continue
					}
					run, err := r.measure(col, pl, v, rep)
					if err != nil && col.proxy == nil {
						return nil, nil, err
					}
					if err != nil {
						failed[col.name] = true
						failures = append(failures, fmt.Sprintf("%s: failed, left out from then on: %v", col.name, err))
						fmt.Fprintln(r.cfg.Out, failures[len(failures)-1])
						continue
					}
					fmt.Fprintln(r.cfg.Out, progressLine(r.cfg, r.sc, run))
					runs = append(runs, run)
				}
			}
		}
	}
	return runs, failures, nil
}

func (r *runner) finish(env environment, cols []column, placements []Placement, runs []Measurement) error {
	tables := summaryTables(r.cfg, r.sc, cols, placements, runs)
	fmt.Fprintln(r.cfg.Out)
	for i, t := range tables {
		if name := r.sc.variants[i].name; name != "" {
			fmt.Fprintf(r.cfg.Out, "%s: %s\n", r.sc.id, name)
		}
		fmt.Fprintf(r.cfg.Out, "%s\n", t.Markdown())
	}
	if r.cfg.Keep {
		fmt.Fprintf(r.cfg.Out, "configs and logs kept in %s\n", r.dir)
	}
	if r.cfg.Report == "" {
		return nil
	}
	body := renderSection(r.cfg, r.sc, env, cols, placements, runs, tables)
	if err := report.WriteSection(r.cfg.Report, r.sc.id, body); err != nil {
		return err
	}
	fmt.Fprintf(r.cfg.Out, "report section %q written to %s\n", r.sc.id, r.cfg.Report)
	return nil
}

// estimate is how long one scenario takes, roughly.
func estimate(cfg Config, sc scenario, ncols, nplacements int) time.Duration {
	per := 2*cfg.Warmup + cfg.Duration + cfg.ThroughputDuration + time.Second
	return time.Duration(cfg.Reps*ncols*nplacements*len(sc.variants)) * per
}

func mb(b uint64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) }
