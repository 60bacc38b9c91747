package stats

import (
	"sync"
	"time"

	"github.com/skiffmesh/skiff/filters"
)

// maxKey bounds the bytes of a series key kept per request; longer service or method names are
// cut (they still count, under the cut name).
const maxKey = 256

// factory hands out one filter per request; every request of a config version shares one table.
// A filter goes back to free when its request is done (OnDone, the last call a filter gets), so
// a request allocates nothing.
type factory struct {
	t    *table
	free sync.Pool // *filter
}

func newFactory(sink Sink) *factory { return &factory{t: newTable(sink)} }

// New implements filters.Factory.
func (f *factory) New() filters.Filter {
	if x, ok := f.free.Get().(*filter); ok {
		return x
	}
	return &filter{fac: f, t: f.t}
}

// filter follows one request: start time, Dubbo service and method, response status.
type filter struct {
	fac    *factory
	t      *table
	start  time.Time
	status int
	dubbo  bool
	n      int // bytes of key used by service and method (Dubbo)
	key    [maxKey + 8]byte
}

// OnRequest implements filters.Filter.
func (f *filter) OnRequest(_ filters.Stream, r filters.Request) filters.Action {
	f.start = time.Now()
	if r.Protocol() != filters.Dubbo {
		return filters.Continue
	}
	f.dubbo = true
	svc, _ := r.Attribute("service")
	method, _ := r.Attribute("method")
	b := append(append(append(append(f.key[:0], clip(svc)...), keySep...), clip(method)...), keySep...)
	f.n = len(b)
	return filters.Continue
}

// clip cuts b so that a key of two parts and a cluster name fits maxKey.
func clip(b []byte) []byte { return b[:min(len(b), maxKey/4)] }

// OnResponse implements filters.Filter.
func (f *filter) OnResponse(_ filters.Stream, r filters.Response) filters.Action {
	f.status = r.Status()
	return filters.Continue
}

// OnDone implements filters.Filter: it counts the request and returns the filter to the free
// list.
func (f *filter) OnDone(s filters.Stream) {
	route, cluster, status := "", "", f.status
	if o, ok := s.(Outcome); ok {
		route, cluster = o.RouteName(), o.ClusterName()
		if st := o.ResponseStatus(); st > 0 {
			status = st
		}
	}
	if route == "" {
		route = unnamedRoute
	}
	if cluster == "" {
		cluster = noCluster
	}
	key := f.key[:f.n]
	if !f.dubbo {
		key = append(append(key, route[:min(len(route), maxKey/4)]...), keySep...)
	}
	key = append(key, cluster[:min(len(cluster), maxKey/4)]...)
	sr := f.t.get(key, f.dubbo)
	shard := s.Shard()
	sr.total.Inc(shard)
	sr.time.RecordDuration(shard, time.Since(f.start))
	if n := f.classOf(status); n > 0 {
		f.t.class(sr, n).Inc(shard)
	} else {
		sr.reset.Inc(shard)
	}
	f.start, f.status, f.dubbo, f.n = time.Time{}, 0, false, 0
	f.fac.free.Put(f)
}

// classOf returns the response code class of status: its hundreds for HTTP, its tens for Dubbo
// (Dubbo statuses are 20, 30, 31, 40, ... 90); 0 when there was no response.
func (f *filter) classOf(status int) int {
	if status <= 0 {
		return 0
	}
	n := status / 100
	if f.dubbo {
		n = status / 10
	}
	return min(max(n, 1), 9)
}
