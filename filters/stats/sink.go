package stats

import (
	"time"

	"github.com/skiffmesh/skiff/filters"
)

// Sink is what the filter needs from the proxy's stats store. The connection manager's
// filters.Deps.Stats implements it next to filters.CounterMaker. A name is a list of segments
// {tag, value} under the manager's scope (http.<prefix>. or dubbo.<prefix>.); a segment with a tag
// is kept whole in the dotted name and becomes the Prometheus label tag="value". The same name
// always gives the same stat. Safe for concurrent use; called the first time a series is seen,
// never per request after that.
type Sink interface {
	StatCounter(name [][2]string) filters.Counter
	// StatHistogram returns a histogram of durations in milliseconds.
	StatHistogram(name [][2]string) interface {
		RecordDuration(shard int, d time.Duration)
	}
}

// Outcome is what the filter reads from the stream when the request ends, if the connection
// manager's filters.Stream offers it (the HTTP connection manager does; the Dubbo one should).
// Without it, the filter counts the status seen in OnResponse under route "unnamed" and cluster
// "none".
type Outcome interface {
	// RouteName is the name of the route the request matched; "" if none or unnamed.
	RouteName() string
	// ClusterName is the cluster the router sent the request to; "" if none.
	ClusterName() string
	// ResponseStatus is the status sent downstream (HTTP status or Dubbo response status), also
	// for local replies; 0 when no response was sent.
	ResponseStatus() int
}
