package filters

import (
	"fmt"
	"sort"
	"sync"

	"google.golang.org/protobuf/proto"
)

// Deps are what the proxy gives a filter when it builds it: the stats store
// and a logger, behind small interfaces so filters do not import proxy.
type Deps struct {
	// StatPrefix is the stat prefix of the connection manager the filter
	// runs in (http.<prefix>. or dubbo.<prefix>.).
	StatPrefix string
	// Stats makes the filter's counters; nil when stats are not wanted.
	Stats CounterMaker
}

// Counter is a stats counter updated on a loop shard.
type Counter interface {
	Inc(shard int)
}

// Gauge is a stats gauge updated on a loop shard.
type Gauge interface {
	Add(shard int, delta int64)
}

// CounterMaker makes stats named <name> under the connection manager's
// scope (e.g. http.<stat_prefix>.fault.aborts_injected).
type CounterMaker interface {
	Counter(name string) Counter
	Gauge(name string) Gauge
}

// Build makes a Factory from a filter's decoded typed config.
type Build func(cfg proto.Message, d Deps) (Factory, error)

// Registry maps a filter's config type (the type URL's message name, e.g.
// envoy.extensions.filters.http.fault.v3.HTTPFault) to its Build. It is
// filled at init by the filters that exist and read afterwards.
type Registry struct {
	mu     sync.RWMutex
	builds map[string]Build
}

// Register adds a filter; registering a type twice panics (a programming
// error caught at init).
func (r *Registry) Register(typeName string, b Build) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.builds == nil {
		r.builds = map[string]Build{}
	}
	if _, dup := r.builds[typeName]; dup {
		panic(fmt.Sprintf("filters: %s registered twice", typeName))
	}
	r.builds[typeName] = b
}

// Lookup returns the Build for a config type.
func (r *Registry) Lookup(typeName string) (Build, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	b, ok := r.builds[typeName]
	return b, ok
}

// Names lists the registered config types, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.builds))
	for n := range r.builds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
