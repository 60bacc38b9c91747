package memory

import (
	"fmt"
	"strings"
	"time"

	"github.com/skiffmesh/skiff/bench/report"
)

// Markdown renders the results of RunPlan (in Plan.Shapes order) as the report section.
func Markdown(p Plan, rs []Result, setup string) string {
	var b strings.Builder
	b.WriteString("## Memory at scale: endpoints, clusters and per-host statistics\n\n")
	b.WriteString("`make bench-memory` (`bench/memory`). ")
	fmt.Fprintf(&b, "Memory of one skiff process (%s). Heap and RSS are read from `/memory?gc` after the "+
		"traffic (a full GC, free memory returned to the OS); \"before ?gc\" is read from /proc just before that, "+
		"so it is what the process holds without being asked (it returns memory to the OS by itself a second after "+
		"a large config apply); VmHWM is the peak. Every run sends the same "+
		"requests to the same %d hosts (%d clusters of %d real loopback listeners); the other endpoints are "+
		"loopback addresses where nothing listens. Runs marked \"every host\" then send one request to every "+
		"endpoint of every cluster, one after another on one keep-alive connection (so one event loop, whose "+
		"round robin visits each host once): the traffic hosts answer, the others refuse the connection and "+
		"the request gets Skiff's 503, which those runs expect. Afterwards every host's statistics have been "+
		"written, as in a sidecar whose application has called every endpoint of its clusters.\n\n",
		setup, p.Traffic*p.PerTraffic, p.Traffic, p.PerTraffic)
	t := report.Table{Header: []string{"clusters", "endpoints", "host stats", "traffic", "startup", "RSS / RssAnon before ?gc",
		"heap", "heap spans", "RSS", "RssAnon", "VmHWM", "/stats/prometheus", "?usedonly", "failed"}}
	for _, r := range rs {
		t.Rows = append(t.Rows, []string{
			fmt.Sprint(r.Shape.Clusters), fmt.Sprint(r.Shape.Endpoints), onOff(r.Shape.HostStats), trafficCell(r),
			r.Startup.Round(time.Millisecond).String(), mib(r.Unforced.RSS) + " / " + mib(r.Unforced.Anon), mib(r.Mem.Heap), mib(r.Mem.InUse), mib(r.Mem.RSS), mib(r.Mem.Anon), mib(r.HWM),
			scrapeCell(r.Prom), scrapeCell(r.PromUsed), fmt.Sprintf("%d/%d", r.Failed, r.Requests),
		})
	}
	b.WriteString(t.Markdown())
	b.WriteString("\n")
	writeDerived(&b, p, rs)
	return b.String()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func trafficCell(r Result) string {
	if r.Shape.EveryHost {
		return fmt.Sprintf("sample, every host (%s)", r.EveryHostTime.Round(100*time.Millisecond))
	}
	return "sample"
}

func scrapeCell(s Scrape) string {
	return fmt.Sprintf("%s, %.1f MiB, %d samples (%d host)", s.Time.Round(100*time.Microsecond),
		float64(s.Bytes)/(1<<20), s.StatsSeries, s.HostSeries)
}

// writeDerived writes bytes per cluster, bytes per host and the effect of the switch.
func writeDerived(b *strings.Builder, p Plan, rs []Result) {
	if len(rs) < 2 {
		return
	}
	base, many := rs[0], rs[1]
	nc := float64(many.Shape.Clusters - base.Shape.Clusters)
	t := report.Table{Header: []string{"figure", "heap", "RSS", "RssAnon"}}
	t.Rows = append(t.Rows, []string{"bytes per cluster (one endpoint each)",
		per(many.Mem.Heap, base.Mem.Heap, nc), per(many.Mem.RSS, base.Mem.RSS, nc), per(many.Mem.Anon, base.Mem.Anon, nc)})
	for i := 2; i+1 < len(rs); i += 2 {
		off, on := rs[i], rs[i+1]
		n := float64(off.Shape.Endpoints - many.Shape.Endpoints)
		label := fmt.Sprintf("%d endpoints", on.Shape.Endpoints)
		if off.Shape.EveryHost {
			label += ", every host"
			ne := float64(on.Shape.Endpoints)
			t.Rows = append(t.Rows, []string{"host stats, bytes per host (on minus off), " + label,
				per(on.Mem.Heap, off.Mem.Heap, ne), per(on.Mem.RSS, off.Mem.RSS, ne), per(on.Mem.Anon, off.Mem.Anon, ne)})
		} else {
			t.Rows = append(t.Rows,
				[]string{"bytes per endpoint, host stats off, " + label,
					per(off.Mem.Heap, many.Mem.Heap, n), per(off.Mem.RSS, many.Mem.RSS, n), per(off.Mem.Anon, many.Mem.Anon, n)},
				[]string{"bytes per host, host stats on, " + label,
					per(on.Mem.Heap, many.Mem.Heap, n), per(on.Mem.RSS, many.Mem.RSS, n), per(on.Mem.Anon, many.Mem.Anon, n)})
		}
		t.Rows = append(t.Rows,
			[]string{"off vs on, whole process, " + label,
				lower(off.Mem.Heap, on.Mem.Heap), lower(off.Mem.RSS, on.Mem.RSS), lower(off.Mem.Anon, on.Mem.Anon)},
			[]string{"off vs on, whole process before ?gc, " + label,
				"", lower(off.Unforced.RSS, on.Unforced.RSS), lower(off.Unforced.Anon, on.Unforced.Anon)},
			[]string{fmt.Sprintf("switched off at run time, %s (host series %d -> %d)", label, on.Prom.HostSeries, on.OffSeries),
				mib(on.Mem.Heap) + " -> " + mib(on.Off.Heap), mib(on.Mem.RSS) + " -> " + mib(on.Off.RSS),
				mib(on.Mem.Anon) + " -> " + mib(on.Off.Anon)})
	}
	b.WriteString(t.Markdown())
	b.WriteString("\nBytes per cluster and per endpoint are differences between runs divided by the clusters or " +
		"endpoints added, so the process's fixed cost and the traffic's (connections, buffers) cancel out. " +
		"For scale: Envoy's own integration tests bound it at about 1.3 KB per host with host stats, 250 B without, " +
		"and 40 KB per cluster. " +
		fmt.Sprintf("Host series on `/stats/prometheus` are those of hosts that carried traffic (%d hosts in the "+
			"sample runs, every host in the \"every host\" runs; 30 sample lines each: 8 counters and gauges and "+
			"a 22-line histogram); `/clusters` lists every host. The \"every host\" runs also hold the cluster "+
			"statistics that only a failed connection or a 503 creates (`upstream_cx_connect_fail`, "+
			"`upstream_rq_503`, ...), on and off alike.\n",
			p.Traffic*p.PerTraffic))
	writeRSSParts(b, rs[2:])
}

// writeRSSParts explains where RSS goes beyond the heap, with the figures of off, on (the first
// size's runs).
func writeRSSParts(b *strings.Builder, rs []Result) {
	if len(rs) < 2 || rs[0].Shape.HostStats || !rs[1].Shape.HostStats {
		return
	}
	off, on := rs[0], rs[1]
	fmt.Fprintf(b, "\nWhere RSS goes beyond the heap (%d endpoints, host stats off / on): RSS is RssAnon plus "+
		"RssFile, the binary's code and read-only data mapped from its file (%s / %s): the same in every run, "+
		"shared with other skiff processes on the node, and it makes whole-process ratios smaller than heap ratios. "+
		"RssAnon is the heap spans in use plus about %s of runtime structures (GC metadata, scheduler) and goroutine stacks. The "+
		"spans in use exceed the live heap by %s / %s: objects that outlived the startup (translated config, "+
		"stat names, hosts) sit in spans whose other slots held the translation's garbage (the bootstrap's text "+
		"and protos, VmHWM above), and Go's collector does not move objects, so those spans stay resident "+
		"although mostly free. Returning free "+
		"memory to the OS (skiff does it by itself a second after applying a configuration of 10,000 endpoints "+
		"or more, and `/memory?gc` does it on request) cannot return them.\n",
		off.Shape.Endpoints, mib(off.Mem.RSS-off.Mem.Anon), mib(on.Mem.RSS-on.Mem.Anon),
		mib(sub(off.Mem.Anon, off.Mem.InUse)), mib(sub(off.Mem.InUse, off.Mem.Heap)), mib(sub(on.Mem.InUse, on.Mem.Heap)))
	if on.Mem.Anon < on.Mem.InUse {
		fmt.Fprintf(b, "\nWith host stats on and traffic to the sample only, RssAnon (%s) is below the heap spans in "+
			"use (%s): the statistics of the hosts no request reached were allocated but never written, and the "+
			"kernel backs a page of fresh memory only once it is written. RSS per host is therefore below heap per "+
			"host in those runs; the \"every host\" runs show what host statistics cost once written.\n",
			mib(on.Mem.Anon), mib(on.Mem.InUse))
	}
}

// sub is a-b, or 0 when b is larger.
func sub(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// per formats (a-b)/n bytes.
func per(a, b uint64, n float64) string {
	return fmt.Sprintf("%.0f B", (float64(a)-float64(b))/n)
}

// lower formats how much lower off is than on.
func lower(off, on uint64) string {
	return fmt.Sprintf("%.0f %% lower (%s vs %s)", 100*(1-float64(off)/float64(on)), mib(off), mib(on))
}
