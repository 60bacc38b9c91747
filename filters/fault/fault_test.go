package fault

import (
	"strings"
	"sync"
	"testing"
	"time"

	faultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"

	"github.com/skiffmesh/skiff/filters"
)

// stream records what the filter did. Its timers run on their own
// goroutine; the test waits for them through the channels.
type stream struct {
	mu      sync.Mutex
	reply   *filters.LocalReply
	resumed chan struct{}
	replied chan struct{}
}

func newStream() *stream {
	return &stream{resumed: make(chan struct{}, 1), replied: make(chan struct{}, 1)}
}

func (s *stream) SendLocalReply(r filters.LocalReply) {
	s.mu.Lock()
	s.reply = &r
	s.mu.Unlock()
	s.replied <- struct{}{}
}
func (s *stream) Resume() { s.resumed <- struct{}{} }
func (s *stream) AfterFunc(d time.Duration, fn func()) filters.Timer {
	return time.AfterFunc(d, fn)
}
func (s *stream) Shard() int { return 0 }

type headers map[string]string

func (h headers) Get(n string) ([]byte, bool) { v, ok := h[n]; return []byte(v), ok }
func (h headers) Set(n, v string)             { h[n] = v }
func (h headers) Add(n, v string)             { h[n] = v }
func (h headers) Del(n string)                { delete(h, n) }
func (h headers) Range(fn func(n, v []byte) bool) {
	for k, v := range h {
		if !fn([]byte(k), []byte(v)) {
			return
		}
	}
}

type request struct{ h headers }

func (r request) Protocol() filters.Protocol      { return filters.HTTP1 }
func (r request) Headers() filters.Headers        { return r.h }
func (r request) Attribute(string) ([]byte, bool) { return nil, false }

type stats map[string]*counter

type counter struct{ n int64 }

func (c *counter) Inc(int)                       { c.n++ }
func (c *counter) Add(_ int, d int64)            { c.n += d }
func (s stats) Counter(n string) filters.Counter { return s.get(n) }
func (s stats) Gauge(n string) filters.Gauge     { return s.get(n) }
func (s stats) get(n string) *counter {
	if s[n] == nil {
		s[n] = &counter{}
	}
	return s[n]
}

func build(t *testing.T, y string) (filters.Factory, stats) {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &faultv3.HTTPFault{}
	if err := protojson.Unmarshal(j, cfg); err != nil {
		t.Fatal(err)
	}
	st := stats{}
	f, err := Build(cfg, filters.Deps{Stats: st})
	if err != nil {
		t.Fatal(err)
	}
	return f, st
}

func run(f filters.Factory, h headers) (filters.Action, *stream, filters.Filter) {
	s := newStream()
	x := f.New()
	return x.OnRequest(s, request{h: h}), s, x
}

func waitReply(t *testing.T, s *stream) filters.LocalReply {
	t.Helper()
	select {
	case <-s.replied:
	case <-time.After(5 * time.Second):
		t.Fatal("no local reply")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.reply
}

func TestAbort(t *testing.T) {
	f, st := build(t, `abort: {http_status: 503, percentage: {numerator: 100}}`)
	act, s, _ := run(f, headers{})
	if act != filters.Stop {
		t.Fatalf("action %v", act)
	}
	if r := waitReply(t, s); r.Status != 503 || r.Details != "fault_filter_abort" {
		t.Fatalf("reply %+v", r)
	}
	if st["fault.aborts_injected"].n != 1 || st["fault.active_faults"].n != 0 {
		t.Fatalf("stats %v %v", st["fault.aborts_injected"].n, st["fault.active_faults"].n)
	}
}

func TestPercentages(t *testing.T) {
	for name, tc := range map[string]struct {
		yaml     string
		min, max int
	}{
		"zero":             {`abort: {http_status: 500, percentage: {numerator: 0}}`, 0, 0},
		"absent is zero":   {`abort: {http_status: 500}`, 0, 0},
		"all":              {`abort: {http_status: 500, percentage: {numerator: 100}}`, 1000, 1000},
		"half":             {`abort: {http_status: 500, percentage: {numerator: 50}}`, 400, 600},
		"per ten thousand": {`abort: {http_status: 500, percentage: {numerator: 2500, denominator: TEN_THOUSAND}}`, 170, 330},
	} {
		t.Run(name, func(t *testing.T) {
			f, _ := build(t, tc.yaml)
			n := 0
			for range 1000 {
				if act, _, _ := run(f, headers{}); act == filters.Stop {
					n++
				}
			}
			if n < tc.min || n > tc.max {
				t.Fatalf("%d of 1000 aborted, want %d..%d", n, tc.min, tc.max)
			}
		})
	}
}

func TestDelayThenResume(t *testing.T) {
	f, st := build(t, `delay: {fixed_delay: 0.05s, percentage: {numerator: 100}}`)
	start := time.Now()
	act, s, _ := run(f, headers{})
	if act != filters.Stop {
		t.Fatal("not paused")
	}
	select {
	case <-s.resumed:
	case <-time.After(5 * time.Second):
		t.Fatal("not resumed")
	}
	if d := time.Since(start); d < 45*time.Millisecond {
		t.Fatalf("resumed after %v", d)
	}
	if st["fault.delays_injected"].n != 1 || st["fault.active_faults"].n != 0 {
		t.Fatal("stats")
	}
}

func TestDelayThenAbort(t *testing.T) {
	f, _ := build(t, `
delay: {fixed_delay: 0.02s, percentage: {numerator: 100}}
abort: {http_status: 429, percentage: {numerator: 100}}`)
	_, s, _ := run(f, headers{})
	if r := waitReply(t, s); r.Status != 429 {
		t.Fatalf("reply %+v", r)
	}
}

func TestHeaderControlled(t *testing.T) {
	f, _ := build(t, `
abort: {header_abort: {}, percentage: {numerator: 100}}
delay: {header_delay: {}, percentage: {numerator: 100}}`)
	if act, _, _ := run(f, headers{}); act != filters.Continue {
		t.Fatal("fault without headers")
	}
	_, s, _ := run(f, headers{HeaderAbort: "418"})
	if r := waitReply(t, s); r.Status != 418 {
		t.Fatalf("reply %+v", r)
	}
	if act, _, _ := run(f, headers{HeaderAbort: "418", HeaderAbortPercentage: "0"}); act != filters.Continue {
		t.Fatal("percentage header 0 did not disable the abort")
	}
	if act, _, _ := run(f, headers{HeaderAbort: "99"}); act != filters.Continue {
		t.Fatal("invalid status aborted")
	}
	act, s, _ := run(f, headers{HeaderDelay: "10"})
	if act != filters.Stop {
		t.Fatal("header delay not applied")
	}
	<-s.resumed
}

func TestMatchersAndNodes(t *testing.T) {
	f, _ := build(t, `
abort: {http_status: 503, percentage: {numerator: 100}}
headers:
- {name: x-canary, string_match: {exact: "yes"}}
- {name: x-debug, present_match: true, invert_match: true}
downstream_nodes: [web]`)
	for name, tc := range map[string]struct {
		h     headers
		abort bool
	}{
		"all match":    {headers{"x-canary": "yes", HeaderDownstreamNode: "web"}, true},
		"wrong value":  {headers{"x-canary": "no", HeaderDownstreamNode: "web"}, false},
		"inverted hit": {headers{"x-canary": "yes", "x-debug": "1", HeaderDownstreamNode: "web"}, false},
		"other node":   {headers{"x-canary": "yes", HeaderDownstreamNode: "api"}, false},
		"no node":      {headers{"x-canary": "yes"}, false},
	} {
		t.Run(name, func(t *testing.T) {
			act, _, _ := run(f, tc.h)
			if (act == filters.Stop) != tc.abort {
				t.Fatalf("action %v, want abort %v", act, tc.abort)
			}
		})
	}
}

func TestMaxActiveFaults(t *testing.T) {
	f, st := build(t, `
delay: {fixed_delay: 10s, percentage: {numerator: 100}}
max_active_faults: 1`)
	act, s1, x1 := run(f, headers{})
	if act != filters.Stop {
		t.Fatal("first not delayed")
	}
	if act, _, _ := run(f, headers{}); act != filters.Continue {
		t.Fatal("second delayed beyond max_active_faults")
	}
	if st["fault.faults_overflow"].n != 1 {
		t.Fatal("overflow not counted")
	}
	x1.OnDone(s1) // the client went away while delayed
	if act, _, _ := run(f, headers{}); act != filters.Stop {
		t.Fatal("slot not released by OnDone")
	}
}

func TestUnsupported(t *testing.T) {
	for _, y := range []string{
		`{upstream_cluster: x}`,
		`{abort: {grpc_status: 14, percentage: {numerator: 1}}}`,
		`{response_rate_limit: {fixed_limit: {limit_kbps: 1}}}`,
		`{delay_percent_runtime: some.key}`,
		`{abort: {http_status: 700}}`,
		`{headers: [{name: x, range_match: {start: 1, end: 2}}]}`,
	} {
		j, _ := yaml.YAMLToJSON([]byte(y))
		cfg := &faultv3.HTTPFault{}
		if err := protojson.Unmarshal(j, cfg); err != nil {
			t.Fatal(err)
		}
		if _, err := Build(cfg, filters.Deps{}); err == nil || !strings.HasPrefix(err.Error(), "fault: ") {
			t.Errorf("%s: error %v", y, err)
		}
	}
}
