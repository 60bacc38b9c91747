package dubbo

import (
	"time"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// StatCounter makes a counter named by tagged segments under the manager's
// dubbo.<prefix>. scope, for filters that split their series by service,
// method and cluster (filters/stats.Sink).
func (c counterMaker) StatCounter(name [][2]string) filters.Counter {
	sc, stat := c.scopeFor(name)
	return sc.Counter(stat)
}

// StatHistogram makes a millisecond histogram like StatCounter.
func (c counterMaker) StatHistogram(name [][2]string) interface {
	RecordDuration(shard int, d time.Duration)
} {
	sc, stat := c.scopeFor(name)
	return sc.Histogram(stat, stats.Milliseconds)
}

// scopeFor returns the child scope of every segment but the last, and the
// last as the stat name; an empty name is the stat "unnamed".
func (c counterMaker) scopeFor(name [][2]string) (*stats.Scope, string) {
	if len(name) == 0 {
		return c.sc, "unnamed"
	}
	segs := make([]stats.Segment, len(name)-1)
	for i, s := range name[:len(name)-1] {
		segs[i] = stats.T(s[0], s[1])
	}
	return c.sc.Scope(segs...), name[len(name)-1][1]
}

// RouteName is the name of the route the call matched ("<route_config
// name>/<index>"), "" before routing or when none matched
// (filters/stats.Outcome).
func (c *call) RouteName() string { return c.routeName }

// ClusterName is the cluster the router picked for the call, "" before
// routing or when no route matched (filters/stats.Outcome).
func (c *call) ClusterName() string { return c.clusterName }

// ResponseStatus is the Dubbo status of the response sent to the consumer,
// the provider's or a local reply's; 0 when none was sent (a one-way call,
// or the consumer closed first) (filters/stats.Outcome).
func (c *call) ResponseStatus() int {
	if !c.sent {
		return 0
	}
	return int(c.status)
}
