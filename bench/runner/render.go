package runner

import (
	"fmt"
	"strings"
	"time"

	"github.com/skiffmesh/skiff/bench/httpbackend"
	"github.com/skiffmesh/skiff/bench/proxies"
	"github.com/skiffmesh/skiff/bench/report"
)

// printPreamble tells what is about to run, before anything runs.
func printPreamble(cfg Config, sc scenario, env environment, cols []column, pls []Placement) {
	w := cfg.Out
	fmt.Fprintf(w, "== scenario %s\n", sc.id)
	fmt.Fprintf(w, "machine: %s\n", env.machine)
	fmt.Fprintf(w, "load average before the run: %s%s\n", loadAvg(env.loadAvg), loadWarning(env.loadAvg))
	fmt.Fprintf(w, "placement: %s\n", placementText(cfg, sc, pls))
	for _, s := range env.skipped {
		fmt.Fprintln(w, s)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	fmt.Fprintf(w, "columns: %s; %s%d reps; about %v\n\n", strings.Join(names, ", "), variantsText(sc), cfg.Reps,
		estimate(cfg, sc, len(cols), len(pls)).Round(time.Second))
}

func loadAvg(la [3]float64) string { return fmt.Sprintf("%.2f %.2f %.2f", la[0], la[1], la[2]) }

func loadWarning(la [3]float64) string {
	if la[0] >= 0.5 {
		return " (WARNING: the machine is busy; numbers will be noisy)"
	}
	return ""
}

// variantsText lists a scenario's variants when it has several.
func variantsText(sc scenario) string {
	if len(sc.variants) < 2 {
		return ""
	}
	names := make([]string, len(sc.variants))
	for i, v := range sc.variants {
		names[i] = v.name
	}
	return strings.Join(names, ", ") + "; "
}

func placementText(cfg Config, sc scenario, pls []Placement) string {
	parts := []string{fmt.Sprintf("load generator cpu %d, %s cpu %d", cfg.ClientCPU, sc.backendName, cfg.BackendCPU)}
	for _, pl := range pls {
		parts = append(parts, fmt.Sprintf("%s: proxy cpu %d", pl.Name, pl.ProxyCPU))
	}
	return strings.Join(parts, "; ") + " (taskset -c)"
}

// rawHeader and rawRow are the per-run numbers, printed as runs finish
// and kept in the report. A scenario with several variants has a column
// naming the variant after the placement.
func rawHeader(sc scenario) []string {
	return withVariant(sc, []string{"rep", "placement", "column", "p50", "p90", "p99", "p99.9", "max", "send lag p50/p99",
		"CPU ms (open)", "closed req/s", "CPU ms (closed)", "req/core-s", "idle RSS MB", "HWM MB",
		"others on client/backend cpu (open; closed)", "steal", "note"}, "variant")
}

func withVariant(sc scenario, row []string, v string) []string {
	if len(sc.variants) < 2 {
		return row
	}
	return append(row[:2:2], append([]string{v}, row[2:]...)...)
}

func rawRow(cfg Config, sc scenario, r Measurement) []string {
	return withVariant(sc, rawCells(cfg, r), r.Variant)
}

func rawCells(cfg Config, r Measurement) []string {
	lat := r.Latency.Latency
	perCore := "–"
	if s := r.ThroughputCPU.Proxy.Seconds(); s > 0 {
		perCore = fmt.Sprintf("%.0f", float64(r.Throughput.Requests)/s)
	}
	return []string{
		fmt.Sprint(r.Rep), r.Placement.Name, r.Column,
		usText(lat.P50), usText(lat.P90), usText(lat.P99), usText(lat.P999), usText(lat.Max),
		usText(r.Latency.SendLag.P50) + "/" + usText(r.Latency.SendLag.P99),
		msText(r.LatencyCPU.Proxy), fmt.Sprintf("%.0f", r.Throughput.Throughput()), msText(r.ThroughputCPU.Proxy), perCore,
		mbText(r.IdleRSS), mbText(r.HWM),
		shares(cfg, r.LatencyCPU.Others) + "; " + shares(cfg, r.ThroughputCPU.Others),
		maxShare(r.LatencyCPU.Steal, r.ThroughputCPU.Steal), r.Discarded,
	}
}

func progressLine(cfg Config, sc scenario, r Measurement) string {
	cells, header := rawRow(cfg, sc, r), rawHeader(sc)
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = header[i] + "=" + c
	}
	return strings.Join(parts, " ")
}

func usText(d time.Duration) string { return fmt.Sprintf("%.0f", us(d)) }
func msText(d time.Duration) string { return fmt.Sprint(d.Milliseconds()) }

func mbText(b uint64) string {
	if b == 0 {
		return "–"
	}
	return mb(b)
}

// shares renders the shares of the client and backend CPUs as percentages.
func shares(cfg Config, m map[int]float64) string {
	return fmt.Sprintf("%.0f%%/%.0f%%", 100*m[cfg.ClientCPU], 100*m[cfg.BackendCPU])
}

func maxShare(ms ...map[int]float64) string {
	var top float64
	for _, m := range ms {
		for _, v := range m {
			top = max(top, v)
		}
	}
	return fmt.Sprintf("%.0f%%", 100*top)
}

// renderSection is the report section: what ran, where, how, the summary
// tables and the raw numbers.
func renderSection(cfg Config, sc scenario, env environment, cols []column, pls []Placement, runs []Measurement, tables []report.Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", sectionTitle(cfg, sc))
	fmt.Fprintf(&b, "Command: `%s` (run %s).\n\n", cfg.Command, env.started.Format(time.RFC3339))
	for _, line := range methodLines(cfg, sc, env, cols, pls, runs) {
		fmt.Fprintf(&b, "- %s\n", line)
	}
	for i, t := range tables {
		if name := sc.variants[i].name; name != "" {
			fmt.Fprintf(&b, "\n### %s\n", upperFirst(name))
		}
		fmt.Fprintf(&b, "\n%s", t.Markdown())
	}
	raw := report.Table{Header: rawHeader(sc)}
	for _, r := range runs {
		raw.Rows = append(raw.Rows, rawRow(cfg, sc, r))
	}
	fmt.Fprintf(&b, "\n<details><summary>Raw numbers per run (us unless noted)</summary>\n\n%s\n</details>\n", raw.Markdown())
	return b.String()
}

func sectionTitle(cfg Config, sc scenario) string {
	if sc.proto == proxies.Dubbo {
		return dubboTitle(sc)
	}
	if sc.proto == proxies.HTTP {
		return "HTTP/1.1 keep-alive: GET through an HTTP reverse proxy"
	}
	return fmt.Sprintf("TCP echo: %d-byte ping-pong through a TCP proxy", cfg.Size)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func methodLines(cfg Config, sc scenario, env environment, cols []column, pls []Placement, runs []Measurement) []string {
	lines := []string{
		fmt.Sprintf("Machine: %s. Load average before the run: %s%s; %s.", env.machine, loadAvg(env.loadAvg), loadWarning(env.loadAvg), env.autogroup),
		fmt.Sprintf("Placement: %s.", placementText(cfg, sc, pls)),
		latencyLine(cfg, sc),
		throughputLine(cfg, sc),
		fmt.Sprintf("Repetitions: %d, interleaved (rep 1 of every placement%s and column, then rep 2, ...); cells are median [min-max] over kept reps.%s %s",
			cfg.Reps, variantWord(sc), p99Warning(cfg), discardText(cfg, runs)),
		fmt.Sprintf("Load generator and backend: `skiffbench load` / `skiffbench %s`, Go, GOMAXPROCS=1, separate pinned processes. "+
			"The generator serves all connections from one epoll loop on one thread, sleeps on a timerfd until %v before each scheduled send, "+
			"then busy-polls (epoll_wait with zero timeout, sched_yield between polls); no allocation per request; every latency sample is kept "+
			"(nearest-rank percentiles, 1 ns resolution). Send lag, how late sends left when the connection was free, was %s; "+
			"a large send lag means the generator itself was held up (other processes or the hypervisor), and the run's tail with it.", sc.backendArgs[0], cfg.Spin, lagText(runs)),
	}
	if sc.proto == proxies.HTTP {
		lines = append(lines, httpLines(sc)...)
	}
	if sc.proto == proxies.Dubbo {
		lines = append(lines, dubboLines(sc)...)
	}
	for _, c := range cols[1:] {
		lines = append(lines, fmt.Sprintf("%s: one worker: %s.%s", c.name, c.proxy.Setup(), versionText(c.proxy.Version())))
	}
	for _, s := range env.skipped {
		lines = append(lines, strings.Replace(s, ": skipped", ": not run", 1)+".")
	}
	for _, f := range env.failed {
		lines = append(lines, strings.ReplaceAll(f, "\n", " "))
	}
	return lines
}

// latencyLine and throughputLine say how the loads ran.
func latencyLine(cfg Config, sc scenario) string {
	if sc.proto == proxies.Dubbo {
		return dubboLatencyLine(cfg, sc)
	}
	return fmt.Sprintf("Latency: open loop, %s req/s over %d connections, send times spread uniformly, one request outstanding per connection, "+
		"latency from the scheduled send time to the last response byte (so stalls count); %v warm-up + %v per rep. "+
		"\"added\" = proxy minus direct in the same rep and placement (minus the placement's median direct when that rep's direct run was discarded).", thousands(cfg.Rate), cfg.Conns, cfg.Warmup, cfg.Duration)
}

func throughputLine(cfg Config, sc scenario) string {
	if sc.proto == proxies.Dubbo {
		return dubboThroughputLine(cfg, sc)
	}
	return fmt.Sprintf("Throughput: closed loop, %d connections, %v warm-up + %v per rep; proxy CPU = utime+stime from /proc/PID/stat over the window "+
		"(10 ms ticks). RSS: VmRSS once ready (idle), VmHWM after the rep, from /proc/PID/status.", cfg.ThroughputConns, cfg.Warmup, cfg.ThroughputDuration)
}

func variantWord(sc scenario) string {
	if len(sc.variants) < 2 {
		return ""
	}
	if sc.proto == proxies.Dubbo {
		return ", rate"
	}
	return ", response size"
}

// httpLines describe the HTTP scenario's requests and backend.
func httpLines(sc scenario) []string {
	paths := make([]string, len(sc.variants))
	for i, v := range sc.variants {
		paths[i] = fmt.Sprintf("`%s` (%d-byte body)", httpbackend.Path(v.size), v.size)
	}
	return []string{
		"HTTP requests: the generator writes one pre-encoded `GET <path> HTTP/1.1` with a Host header and nothing else on a keep-alive connection, " +
			"and frames the response from its status line and Content-Length or chunked encoding (it reads no other header); a status other than 200, " +
			"a closed connection or bytes beyond the response fail the run. Paths: " + strings.Join(paths, ", ") + "; each size is measured with its own proxy instances and has its own table.",
		"HTTP backend: `skiffbench http-server`, a minimal HTTP/1.1 responder on one level-triggered epoll loop on one locked thread: one read and one write " +
			"per request, pre-encoded `200 OK` responses (Content-Type and Content-Length, no Date), no allocation per request. The backend shares a core with the proxy " +
			"in cross-core placement, so it is kept cheaper than net/http would be.",
	}
}

func versionText(v string) string {
	if v == "" {
		return ""
	}
	return " Version: " + v + "."
}

func discardText(cfg Config, runs []Measurement) string {
	n := 0
	for _, r := range runs {
		if r.Discarded != "" {
			n++
		}
	}
	return fmt.Sprintf("Runs are discarded when other processes took more than %.0f%% of the proxy's core (either core for direct) "+
		"or requests did not finish: %d of %d discarded.", 100*cfg.MaxOthers, n, len(runs))
}

// lagText summarises the load generator's send lag over all runs.
func lagText(runs []Measurement) string {
	var p50, p99 []float64
	for _, r := range runs {
		p50 = append(p50, us(r.Latency.SendLag.P50))
		p99 = append(p99, us(r.Latency.SendLag.P99))
	}
	return fmt.Sprintf("p50 %s us and p99 %s us (median [min-max] over runs)",
		report.Summarize(p50).Format(1), report.Summarize(p99).Format(0))
}

// p99Warning flags tail percentiles that too few samples make noise.
func p99Warning(cfg Config) string {
	if cfg.Reps >= 5 || cfg.Duration >= time.Minute {
		return ""
	}
	return " p99 from fewer than 5 reps of under 60 s each is noise; read it as a hint."
}
