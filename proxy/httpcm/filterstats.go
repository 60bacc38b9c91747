package httpcm

import (
	"time"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// StatCounter makes a counter named by tagged segments under the manager's scope, for filters that
// split their series by route or cluster (filters/stats.Sink).
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

// scopeFor returns the child scope of every segment but the last, and the last as the stat name.
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
