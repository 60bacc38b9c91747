package stats

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/filters"
)

// Names used when a part of a series' name is unknown.
const (
	unnamedRoute = "unnamed"
	noCluster    = "none"
)

// keySep separates the parts of a series key.
const keySep = "\x00"

// histogram is what Sink.StatHistogram returns.
type histogram = interface {
	RecordDuration(shard int, d time.Duration)
}

// series are the stats of one route and cluster (HTTP) or service, method and cluster (Dubbo).
type series struct {
	name    [][2]string // segments up to and excluding the stat name
	total   filters.Counter
	reset   filters.Counter
	time    histogram
	classes [10]atomic.Pointer[filters.Counter] // rq_<N>xx, made when N is first seen
}

// table finds or makes series by key. Lookups are lock-free; a new key copies the map under mu.
type table struct {
	sink Sink
	mu   sync.Mutex
	m    atomic.Pointer[map[string]*series]
}

func newTable(sink Sink) *table {
	t := &table{sink: sink}
	t.m.Store(&map[string]*series{})
	return t
}

// get returns the series of key (parts joined by keySep), making it on first use. Looking up an
// existing key does not allocate.
func (t *table) get(key []byte, dubbo bool) *series {
	if s, ok := (*t.m.Load())[string(key)]; ok {
		return s
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.m.Load()
	if s, ok := old[string(key)]; ok {
		return s
	}
	s := t.newSeries(strings.Split(string(key), keySep), dubbo)
	next := make(map[string]*series, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[string(key)] = s
	t.m.Store(&next)
	return s
}

// newSeries makes the stats of parts: route, cluster (HTTP) or service, method, cluster (Dubbo).
func (t *table) newSeries(parts []string, dubbo bool) *series {
	name := [][2]string{{"", "stats"}}
	if dubbo {
		name = append(name, [2]string{"envoy_dubbo_service", parts[0]}, [2]string{"envoy_dubbo_method", parts[1]})
	} else {
		name = append(name, [2]string{"envoy_route", parts[0]})
	}
	name = append(name, [2]string{"envoy_cluster_name", parts[len(parts)-1]})
	return &series{
		name:  name,
		total: t.sink.StatCounter(statName(name, "upstream_rq_total")),
		reset: t.sink.StatCounter(statName(name, "upstream_rq_reset")),
		time:  t.sink.StatHistogram(statName(name, "upstream_rq_time")),
	}
}

// statName returns prefix followed by the plain segment stat, in a new slice.
func statName(prefix [][2]string, stat string) [][2]string {
	return append(append(make([][2]string, 0, len(prefix)+1), prefix...), [2]string{"", stat})
}

// class returns the rq_<n>xx counter, making it on first use.
func (t *table) class(s *series, n int) filters.Counter {
	if c := s.classes[n].Load(); c != nil {
		return *c
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := s.classes[n].Load(); c != nil {
		return *c
	}
	c := t.sink.StatCounter(statName(s.name, "upstream_rq_"+strconv.Itoa(n)+"xx"))
	s.classes[n].Store(&c)
	return c
}
