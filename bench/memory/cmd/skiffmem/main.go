// Command skiffmem runs the memory benchmark (bench/memory) against a skiff binary and, with
// -report, writes its section of the benchmark report.
//
//	go run ./bench/memory/cmd/skiffmem -skiff ./bin/skiff -report docs/benchmarks.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/skiffmesh/skiff/bench/memory"
	"github.com/skiffmesh/skiff/bench/proc"
	"github.com/skiffmesh/skiff/bench/report"
)

func main() {
	skiff := flag.String("skiff", "bin/skiff", "the skiff binary")
	out := flag.String("report", "", "markdown file whose memory section is replaced")
	clusters := flag.Int("clusters", 1000, "clusters")
	sizes := flag.String("sizes", "100000,500000", "endpoint counts, comma-separated")
	every := flag.String("every-host", "100000", "endpoint counts also run with a request to every host, comma-separated (empty: none)")
	loops := flag.Int("concurrency", 2, "skiff --concurrency")
	perHost := flag.Int("per-host", 10, "requests per traffic host")
	settle := flag.Duration("settle", 2*time.Second, "wait after /ready before the traffic")
	flag.Parse()
	p := memory.Plan{Clusters: *clusters, Traffic: 3, PerTraffic: 100}
	p.Sizes = counts("sizes", *sizes)
	p.EveryHost = counts("every-host", *every)
	dir, err := os.MkdirTemp("", "skiffmem")
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiffmem:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	o := memory.Options{Skiff: *skiff, Loops: *loops, PerHost: *perHost, Dir: dir, Stderr: os.Stderr, Settle: *settle}
	load0, _ := proc.ReadLoadAvg()
	begin := time.Now()
	rs, err := memory.RunPlan(ctx, o, p, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiffmem:", err)
		os.Exit(1)
	}
	load1, _ := proc.ReadLoadAvg()
	setup := fmt.Sprintf("`--concurrency %d`, %s, static bootstrap as JSON, HTTP listener with the stats filter, "+
		"STATIC round-robin clusters; command `%s`, %s for all runs, 1-minute load average %.2f before and %.2f after, "+
		"%d CPUs", *loops, time.Now().UTC().Format("2006-01-02"), command(), time.Since(begin).Round(time.Second),
		load0[0], load1[0], runtime.NumCPU())
	md := memory.Markdown(p, rs, setup)
	fmt.Print(md)
	if *out != "" {
		if err := report.WriteSection(*out, "memory", md); err != nil {
			fmt.Fprintln(os.Stderr, "skiffmem:", err)
			os.Exit(1)
		}
	}
}

// counts parses the comma-separated endpoint counts of flag name.
func counts(name, v string) []int {
	var out []int
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fmt.Fprintf(os.Stderr, "skiffmem: -%s: %v\n", name, err)
			os.Exit(2)
		}
		out = append(out, n)
	}
	return out
}

// command is how this run was started, as `make bench-memory` runs it when that is the case.
func command() string {
	args := append([]string{"skiffmem"}, os.Args[1:]...)
	if filepath.Base(os.Args[0]) == "skiffmem" || strings.HasPrefix(os.Args[0], os.TempDir()) {
		args[0] = "go run ./bench/memory/cmd/skiffmem"
	}
	return strings.Join(args, " ")
}
