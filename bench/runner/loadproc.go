package runner

import (
	"encoding/json"
	"fmt"
	"os"
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
	args := []string{"load",
		"-addr", cfg.Addr, "-mode", string(cfg.Mode),
		"-conns", strconv.Itoa(cfg.Conns), "-rate", strconv.FormatFloat(cfg.Rate, 'f', -1, 64),
		"-size", strconv.Itoa(cfg.Size), "-warmup", cfg.Warmup.String(),
		"-duration", cfg.Duration.String(), "-spin", cfg.Spin.String(), "-drain", cfg.Drain.String(),
	}
	if cfg.Protocol == loadgen.HTTP {
		args = append(args, "-proto", string(cfg.Protocol), "-path", cfg.Path)
	}
	if cfg.Protocol == loadgen.Dubbo {
		args = append(args, "-proto", string(cfg.Protocol), "-window", strconv.Itoa(cfg.Window))
	}
	return args
}

// loadOutput passes the marks and the result line a load process
// prints, in order; it prints at most three.
type loadOutput chan string

func (o loadOutput) line(l string) {
	if l == MarkStart || l == MarkEnd || strings.HasPrefix(l, ResultLine) {
		o <- l
	}
}

// HoldFlag makes the `load` subcommand keep running after its result
// until its stdin is closed, so that its /proc entries are still there
// when the orchestrator snapshots the end of the window (a fast run can
// otherwise end, and be reaped, before the end mark is handled).
const HoldFlag = "-hold"

// runLoad runs one load process pinned to the client CPU against cfg.Addr.
// At each edge of the measured window it snapshots the CPU accounting of
// the machine and of watch (plus the load process itself).
func (r *runner) runLoad(cfg loadgen.Config, watch []pinned, proxyPID int) (loadgen.Result, CPUWindow, error) {
	out := make(loadOutput, 3)
	errs := &tail{n: 20}
	hold, release, err := os.Pipe()
	if err != nil {
		return loadgen.Result{}, CPUWindow{}, fmt.Errorf("runner: %w", err)
	}
	defer release.Close() // lets the load process exit
	p, err := proc.Start(proc.Spec{
		Path: r.cfg.Self, Args: append(LoadArgs(cfg), HoldFlag), Env: []string{"GOMAXPROCS=1"}, CPU: r.cfg.ClientCPU,
		Stdin: hold, Stdout: &lineWriter{fn: out.line}, Stderr: &lineWriter{fn: errs.add},
	})
	hold.Close() // the child has its own descriptor
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
				release.Close()
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
