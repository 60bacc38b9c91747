package stats

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	xdstypev3 "github.com/cncf/xds/go/xds/type/v3"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/skiffmesh/skiff/filters"
)

// fakeSink records stats by dotted name (tag segments shown as tag=value).
type fakeSink struct {
	mu     sync.Mutex
	counts map[string]int
	times  map[string]int
}

func newSink() *fakeSink { return &fakeSink{counts: map[string]int{}, times: map[string]int{}} }

func dotted(name [][2]string) string {
	parts := make([]string, len(name))
	for i, s := range name {
		parts[i] = s[1]
		if s[0] != "" {
			parts[i] = s[0] + "=" + s[1]
		}
	}
	return strings.Join(parts, ".")
}

type fakeCounter struct {
	s    *fakeSink
	name string
}

func (c fakeCounter) Inc(int) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.counts[c.name]++
}

type fakeHist fakeCounter

func (h fakeHist) RecordDuration(int, time.Duration) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	h.s.times[h.name]++
}

func (s *fakeSink) Counter(name string) filters.Counter       { return fakeCounter{s, name} }
func (s *fakeSink) Gauge(string) filters.Gauge                { return nil }
func (s *fakeSink) StatCounter(n [][2]string) filters.Counter { return fakeCounter{s, dotted(n)} }
func (s *fakeSink) StatHistogram(n [][2]string) interface {
	RecordDuration(shard int, d time.Duration)
} {
	return fakeHist{s, dotted(n)}
}

func (s *fakeSink) dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	for k, v := range s.counts {
		lines = append(lines, fmt.Sprintf("%s %d", k, v))
	}
	for k, v := range s.times {
		lines = append(lines, fmt.Sprintf("%s count=%d", k, v))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// fakeStream is a filters.Stream; with outcome set it also offers Outcome.
type fakeStream struct {
	route, cluster string
	status         int
}

func (*fakeStream) SendLocalReply(filters.LocalReply)             {}
func (*fakeStream) Resume()                                       {}
func (*fakeStream) AfterFunc(time.Duration, func()) filters.Timer { return nil }
func (*fakeStream) Shard() int                                    { return 0 }
func (s *fakeStream) RouteName() string                           { return s.route }
func (s *fakeStream) ClusterName() string                         { return s.cluster }
func (s *fakeStream) ResponseStatus() int                         { return s.status }

// plainStream offers no Outcome.
type plainStream struct{ fakeStream }

func (plainStream) RouteName()   {}
func (plainStream) ClusterName() {}

type request struct {
	proto filters.Protocol
	attrs map[string]string
}

func (r request) Protocol() filters.Protocol { return r.proto }
func (request) Headers() filters.Headers     { return nil }
func (r request) Attribute(n string) ([]byte, bool) {
	v, ok := r.attrs[n]
	return []byte(v), ok
}

type response int

func (r response) Status() int            { return int(r) }
func (response) Headers() filters.Headers { return nil }

func TestFilterCounts(t *testing.T) {
	sink := newSink()
	fac, err := Build(nil, filters.Deps{Stats: sink})
	if err != nil {
		t.Fatal(err)
	}
	http := request{proto: filters.HTTP1}
	dubbo := request{proto: filters.Dubbo, attrs: map[string]string{"service": "com.a.Greeter", "method": "sayHello"}}
	run := func(s filters.Stream, r filters.Request, resp int) {
		f := fac.New()
		f.OnRequest(s, r)
		if resp > 0 {
			f.OnResponse(s, response(resp))
		}
		f.OnDone(s)
	}
	run(&fakeStream{"r1", "c1", 200}, http, 200)
	run(&fakeStream{"r1", "c1", 204}, http, 204)
	run(&fakeStream{"r1", "c1", 503}, http, 0) // local reply: no OnResponse
	run(&fakeStream{"", "", 404}, http, 0)     // no route
	run(&fakeStream{"r1", "c1", 0}, http, 0)   // reset
	run(&fakeStream{"", "dc", 20}, dubbo, 20)  // Dubbo OK
	run(&fakeStream{"", "dc", 0}, dubbo, 70)   // Dubbo service error, status from OnResponse
	run(&plainStream{}, http, 302)             // no Outcome
	want := strings.Join([]string{
		"stats.envoy_dubbo_service=com.a.Greeter.envoy_dubbo_method=sayHello.envoy_cluster_name=dc.upstream_rq_2xx 1",
		"stats.envoy_dubbo_service=com.a.Greeter.envoy_dubbo_method=sayHello.envoy_cluster_name=dc.upstream_rq_7xx 1",
		"stats.envoy_dubbo_service=com.a.Greeter.envoy_dubbo_method=sayHello.envoy_cluster_name=dc.upstream_rq_time count=2",
		"stats.envoy_dubbo_service=com.a.Greeter.envoy_dubbo_method=sayHello.envoy_cluster_name=dc.upstream_rq_total 2",
		"stats.envoy_route=r1.envoy_cluster_name=c1.upstream_rq_2xx 2",
		"stats.envoy_route=r1.envoy_cluster_name=c1.upstream_rq_5xx 1",
		"stats.envoy_route=r1.envoy_cluster_name=c1.upstream_rq_reset 1",
		"stats.envoy_route=r1.envoy_cluster_name=c1.upstream_rq_time count=4",
		"stats.envoy_route=r1.envoy_cluster_name=c1.upstream_rq_total 4",
		"stats.envoy_route=unnamed.envoy_cluster_name=none.upstream_rq_3xx 1",
		"stats.envoy_route=unnamed.envoy_cluster_name=none.upstream_rq_4xx 1",
		"stats.envoy_route=unnamed.envoy_cluster_name=none.upstream_rq_time count=2",
		"stats.envoy_route=unnamed.envoy_cluster_name=none.upstream_rq_total 2",
	}, "\n")
	if got := sink.dump(); got != want {
		t.Errorf("stats:\n%s\nwant:\n%s", got, want)
	}
}

func TestBuild(t *testing.T) {
	withValue := &xdstypev3.TypedStruct{TypeUrl: "type.skiff.dev/" + TypeName,
		Value: &structpb.Struct{Fields: map[string]*structpb.Value{"x": structpb.NewBoolValue(true)}}}
	tests := []struct {
		name string
		cfg  *xdstypev3.TypedStruct
		deps filters.Deps
		err  string
	}{
		{"empty TypedStruct", &xdstypev3.TypedStruct{TypeUrl: "type.skiff.dev/" + TypeName}, filters.Deps{Stats: newSink()}, ""},
		{"unknown field", withValue, filters.Deps{Stats: newSink()}, `unknown field "x"`},
		{"no sink", nil, filters.Deps{}, "no tagged stats"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.cfg == nil {
				_, err = Build(nil, tc.deps)
			} else {
				_, err = Build(tc.cfg, tc.deps)
			}
			if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

func TestFilterConcurrentAndAllocFree(t *testing.T) {
	sink := newSink()
	fac, _ := Build(nil, filters.Deps{Stats: sink})
	s := &fakeStream{"r", "c", 200}
	var req filters.Request = request{proto: filters.HTTP1}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				f := fac.New()
				f.OnRequest(s, req)
				f.OnDone(s)
			}
		})
	}
	wg.Wait()
	if got := sink.counts["stats.envoy_route=r.envoy_cluster_name=c.upstream_rq_total"]; got != 800 {
		t.Fatalf("rq_total = %d, want 800", got)
	}
	allocs := testing.AllocsPerRun(100, func() {
		f := fac.New()
		f.OnRequest(s, req)
		f.OnDone(s)
	})
	if allocs > 0 {
		t.Errorf("%v allocations per request after the first", allocs)
	}
}

func BenchmarkFilterRequest(b *testing.B) {
	fac, _ := Build(nil, filters.Deps{Stats: newSink()})
	var req filters.Request = request{proto: filters.Dubbo, attrs: map[string]string{"service": "com.a.Greeter", "method": "sayHello"}}
	var resp filters.Response = response(20)
	s := &fakeStream{"", "dc", 20}
	b.ReportAllocs()
	for b.Loop() {
		f := fac.New()
		f.OnRequest(s, req)
		f.OnResponse(s, resp)
		f.OnDone(s)
	}
}
