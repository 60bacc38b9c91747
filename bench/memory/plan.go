package memory

import (
	"context"
	"fmt"
	"io"
)

// Plan are the shapes of one benchmark: a few traffic clusters alone (the base), the same plus
// enough one-endpoint clusters to make clusters (the cost of a cluster), and for every size in
// endpoints, clusters clusters holding that many endpoints with host stats off and on.
type Plan struct {
	Clusters int
	Sizes    []int
	// EveryHost are endpoint counts run again, host stats off and on, with a request to every
	// host after the sample traffic.
	EveryHost  []int
	Traffic    int // traffic clusters
	PerTraffic int // endpoints per traffic cluster
}

// Shapes lists the runs in order.
func (p Plan) Shapes() []Shape {
	t := p.Traffic * p.PerTraffic
	base := Shape{Clusters: p.Traffic, Endpoints: t, Traffic: p.Traffic, TrafficEndpoints: p.PerTraffic}
	many := base
	many.Clusters, many.Endpoints = p.Clusters, t+p.Clusters-p.Traffic
	out := []Shape{base, many}
	for _, n := range p.Sizes {
		s := many
		s.Endpoints = n
		off, on := s, s
		on.HostStats = true
		out = append(out, off, on)
	}
	for _, n := range p.EveryHost {
		s := many
		s.Endpoints, s.EveryHost = n, true
		off, on := s, s
		on.HostStats = true
		out = append(out, off, on)
	}
	return out
}

// RunPlan runs every shape of p in order, logging progress to log.
func RunPlan(ctx context.Context, o Options, p Plan, log io.Writer) ([]Result, error) {
	var out []Result
	for _, s := range p.Shapes() {
		fmt.Fprintf(log, "memory: %d clusters, %d endpoints, host stats %v, every host %v ...\n", s.Clusters, s.Endpoints, s.HostStats, s.EveryHost)
		r, err := Run(ctx, o, s)
		if err != nil {
			return out, err
		}
		fmt.Fprintf(log, "memory:   heap %s, rss %s, startup %s, prometheus %s (%d host series), failed %d/%d\n",
			mib(r.Mem.Heap), mib(r.Mem.RSS), r.Startup.Round(1e6), r.Prom.Time.Round(1e5), r.Prom.HostSeries, r.Failed, r.Requests)
		out = append(out, r)
	}
	return out, nil
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
