package runner

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/bench/proc"
)

// Lines the `load` subcommand prints on stdout.
const (
	MarkStart  = "measure-start"
	MarkEnd    = "measure-end"
	ResultLine = "result "
)

// LoadArgs are the `load` subcommand's arguments for cfg.
func LoadArgs(cfg loadgen.Config) []string {
	return []string{"load",
		"-addr", cfg.Addr, "-mode", string(cfg.Mode),
		"-conns", strconv.Itoa(cfg.Conns), "-rate", strconv.FormatFloat(cfg.Rate, 'f', -1, 64),
		"-size", strconv.Itoa(cfg.Size), "-warmup", cfg.Warmup.String(),
		"-duration", cfg.Duration.String(), "-spin", cfg.Spin.String(), "-drain", cfg.Drain.String(),
	}
}

// loadOutput passes the marks and the result line a load process
// prints, in order; it prints at most three.
type loadOutput chan string

func (o loadOutput) line(l string) {
	if l == MarkStart || l == MarkEnd || strings.HasPrefix(l, ResultLine) {
		o <- l
	}
}

// runLoad runs one load process pinned to the client CPU against cfg.Addr.
// At each edge of the measured window it snapshots the CPU accounting of
// the machine and of watch (plus the load process itself).
func (r *runner) runLoad(cfg loadgen.Config, watch []pinned, proxyPID int) (loadgen.Result, CPUWindow, error) {
	out := make(loadOutput, 3)
	errs := &tail{n: 20}
	p, err := proc.Start(proc.Spec{
		Path: r.cfg.Self, Args: LoadArgs(cfg), Env: []string{"GOMAXPROCS=1"}, CPU: r.cfg.ClientCPU,
		Stdout: &lineWriter{fn: out.line}, Stderr: &lineWriter{fn: errs.add},
	})
	if err != nil {
		return loadgen.Result{}, CPUWindow{}, err
	}
	defer p.Stop(stopGrace)
	watch = append(watch[:len(watch):len(watch)], pinned{p.Pid(), r.cfg.ClientCPU})
	var snaps []snapshot
	for {
		select {
		case l := <-out:
			if js, ok := strings.CutPrefix(l, ResultLine); ok {
				return finishLoad(js, snaps, watch, proxyPID)
			}
			s, err := takeSnapshot(watch)
			if err != nil {
				return loadgen.Result{}, CPUWindow{}, err
			}
			snaps = append(snaps, s)
		case <-p.Done():
			return loadgen.Result{}, CPUWindow{}, fmt.Errorf("runner: load generator exited (%v) without a result:\n%s", p.Err(), errs)
		}
	}
}

func finishLoad(js string, snaps []snapshot, watch []pinned, proxyPID int) (loadgen.Result, CPUWindow, error) {
	var res loadgen.Result
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		return res, CPUWindow{}, fmt.Errorf("runner: load result: %w", err)
	}
	if len(snaps) != 2 {
		return res, CPUWindow{}, fmt.Errorf("runner: load generator printed %d window marks, want 2", len(snaps))
	}
	return res, cpuWindow(snaps[0], snaps[1], watch, proxyPID), nil
}
