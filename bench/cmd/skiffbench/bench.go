package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/skiffmesh/skiff/bench/runner"
)

// runBench parses the orchestrator's flags and runs the scenario.
func runBench(args []string) error {
	fs := flag.NewFlagSet("skiffbench", flag.ContinueOnError)
	cfg := runner.Config{Out: os.Stdout}
	var placements, scenarios, httpSizes string
	fs.StringVar(&cfg.Proxies.Skiff, "skiff", "./bin/skiff", "skiff binary (skipped if missing)")
	fs.StringVar(&cfg.Proxies.HAProxy, "haproxy", "/usr/sbin/haproxy", "haproxy binary (skipped if missing; empty to skip)")
	fs.StringVar(&cfg.Proxies.Nginx, "nginx", "/usr/sbin/nginx", "nginx binary; tcp-echo needs its stream module (skipped if missing; empty to skip)")
	fs.StringVar(&cfg.Proxies.Envoy, "envoy", os.Getenv("ENVOY_BIN"), "envoy binary (default $ENVOY_BIN; skipped if empty)")
	fs.StringVar(&cfg.Proxies.MOSN, "mosn", os.Getenv("MOSN_BIN"), "mosn binary (default $MOSN_BIN; skipped if empty)")
	fs.StringVar(&scenarios, "scenarios", "tcp-echo,http,dubbo", "scenarios to run, comma-separated, in order: tcp-echo, http, dubbo")
	fs.StringVar(&cfg.Report, "report", "", "markdown file whose scenario sections are replaced (empty: print only)")
	fs.IntVar(&cfg.Reps, "reps", 3, "interleaved repetitions (p99 wants >= 5)")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before every measured window")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "latency window per rep")
	fs.Float64Var(&cfg.Rate, "rate", 1000, "open-loop request rate, req/s over all connections")
	fs.IntVar(&cfg.Conns, "conns", 16, "open-loop connections")
	fs.DurationVar(&cfg.ThroughputDuration, "throughput-duration", 5*time.Second, "closed-loop window per rep")
	fs.IntVar(&cfg.ThroughputConns, "throughput-conns", 64, "closed-loop connections")
	fs.IntVar(&cfg.Size, "size", 64, "tcp-echo: message size in bytes")
	fs.StringVar(&httpSizes, "http-sizes", "16,1024", "http: response body sizes in bytes, comma-separated; each is measured separately")
	dubboRates := dubboFlags(fs, &cfg.Dubbo)
	fs.DurationVar(&cfg.Spin, "spin", 100*time.Microsecond, "load generator busy-polls this long before each send (a timer wake-up takes ~70 us on a halted vCPU here)")
	fs.IntVar(&cfg.ClientCPU, "client-cpu", 0, "CPU of the load generator (and of the proxy in same-core)")
	fs.IntVar(&cfg.BackendCPU, "backend-cpu", 1, "CPU of the backend (and of the proxy in cross-core)")
	fs.StringVar(&placements, "placements", "same-core,cross-core", "placements to run, comma-separated")
	fs.Float64Var(&cfg.MaxOthers, "max-others", 0.5, "discard runs where other processes took more than this share of the proxy's core")
	fs.IntVar(&cfg.AutogroupNice, "autogroup-nice", 0, "if not 0, write this to /proc/self/autogroup first (e.g. -19, needs root)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the work directory with generated configs and proxy logs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg.Placements = strings.Split(placements, ",")
	cfg.Scenarios = strings.Split(scenarios, ",")
	var err error
	if cfg.HTTPSizes, err = parseInts(httpSizes); err != nil {
		return fmt.Errorf("-http-sizes: %w", err)
	}
	if cfg.Dubbo.Rates, err = parseFloats(*dubboRates); err != nil {
		return fmt.Errorf("-dubbo-rates: %w", err)
	}
	cfg.Command = commandLine(args)
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate own binary: %w", err)
	}
	cfg.Self = self
	return runner.Run(cfg)
}

// commandLine is how this run was invoked, as a user would type it: `go
// run` builds into a temporary go-build directory, so such a binary is
// named by its package path instead.
func commandLine(args []string) string {
	prog := os.Args[0]
	if strings.Contains(filepath.ToSlash(prog), "/go-build") {
		prog = "go run ./bench/cmd/skiffbench"
	}
	return strings.Join(append([]string{prog}, quoteAll(args)...), " ")
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsAny(a, " \t\"'$\\") {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return out
}

// parseInts parses a comma-separated list of integers.
func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}
