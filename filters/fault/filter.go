package fault

import (
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/filters"
)

// factory is one compiled fault config with its stats and the count of
// faults in progress (shared by every loop: max_active_faults is global).
type factory struct {
	cfg    *config
	active atomic.Int64

	delays, aborts, overflow filters.Counter
	activeGauge              filters.Gauge
}

func newFactory(c *config, d filters.Deps) *factory {
	f := &factory{cfg: c}
	if d.Stats != nil {
		f.delays = d.Stats.Counter("fault.delays_injected")
		f.aborts = d.Stats.Counter("fault.aborts_injected")
		f.overflow = d.Stats.Counter("fault.faults_overflow")
		f.activeGauge = d.Stats.Gauge("fault.active_faults")
	}
	return f
}

// New implements filters.Factory.
func (f *factory) New() filters.Filter { return &filter{f: f} }

// filter serves one request.
type filter struct {
	filters.PassThrough
	f      *factory
	active bool
	timer  filters.Timer
}

// OnRequest implements filters.Filter: delay first, then abort, as Envoy.
func (x *filter) OnRequest(s filters.Stream, r filters.Request) filters.Action {
	if !x.applies(r) {
		return filters.Continue
	}
	delay, delayed := x.delayFor(r)
	status, aborted := x.abortFor(r)
	if !delayed && !aborted {
		return filters.Continue
	}
	if !x.begin(s) {
		return filters.Continue
	}
	if delayed {
		count(x.f.delays, s)
		x.timer = s.AfterFunc(delay, func() {
			if aborted {
				x.abort(s, status)
				return
			}
			x.end(s)
			s.Resume()
		})
		return filters.Stop
	}
	x.abort(s, status)
	return filters.Stop
}

func (x *filter) abort(s filters.Stream, status int) {
	count(x.f.aborts, s)
	x.end(s)
	s.SendLocalReply(filters.LocalReply{
		Status: status, Body: []byte("fault filter abort"), Details: "fault_filter_abort",
	})
}

// applies checks the header matchers and downstream_nodes.
func (x *filter) applies(r filters.Request) bool {
	c := x.f.cfg
	h := r.Headers()
	for i := range c.matchers {
		if !c.matchers[i].match(h) {
			return false
		}
	}
	if c.nodes != nil {
		n, ok := h.Get(HeaderDownstreamNode)
		if !ok || !c.nodes[string(n)] {
			return false
		}
	}
	return true
}

func (x *filter) delayFor(r filters.Request) (time.Duration, bool) {
	c := x.f.cfg
	if !c.hasDelay {
		return 0, false
	}
	d := c.delay
	pct := c.delayPct
	if c.headerDelay {
		ms, ok := headerUint(r, HeaderDelay)
		if !ok || ms == 0 {
			return 0, false
		}
		d = time.Duration(ms) * time.Millisecond
		pct = headerPercent(r, HeaderDelayPercentage, pct)
	}
	return d, sample(pct)
}

func (x *filter) abortFor(r filters.Request) (int, bool) {
	c := x.f.cfg
	if !c.hasAbort {
		return 0, false
	}
	status := c.abortStatus
	pct := c.abortPct
	if c.headerAbort {
		v, ok := headerUint(r, HeaderAbort)
		if !ok || v < 200 || v > 599 {
			return 0, false
		}
		status = int(v)
		pct = headerPercent(r, HeaderAbortPercentage, pct)
	}
	return status, sample(pct)
}

// begin admits a fault under max_active_faults.
func (x *filter) begin(s filters.Stream) bool {
	f := x.f
	if n := f.active.Add(1); f.cfg.maxActive != 0 && (f.cfg.maxActive < 0 || n > f.cfg.maxActive) {
		f.active.Add(-1)
		count(f.overflow, s)
		return false
	}
	x.active = true
	if f.activeGauge != nil {
		f.activeGauge.Add(s.Shard(), 1)
	}
	return true
}

func (x *filter) end(s filters.Stream) {
	if !x.active {
		return
	}
	x.active = false
	x.f.active.Add(-1)
	if x.f.activeGauge != nil {
		x.f.activeGauge.Add(s.Shard(), -1)
	}
}

// OnDone implements filters.Filter: a request that ends while delayed (the
// client went away) ends its fault too.
func (x *filter) OnDone(s filters.Stream) { x.end(s) }

func headerUint(r filters.Request, name string) (uint64, bool) {
	v, ok := r.Headers().Get(name)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(string(v), 10, 32)
	return n, err == nil
}

// headerPercent lets a request lower (never raise) the configured
// percentage, as Envoy does: the header's value is out of the configured
// denominator and capped by the configured numerator.
func headerPercent(r filters.Request, name string, cfg percent) percent {
	v, ok := headerUint(r, name)
	if !ok {
		return cfg
	}
	return percent{num: min(uint32(v), cfg.num), den: cfg.den}
}

func sample(p percent) bool {
	return p.num > 0 && (p.num >= p.den || rand.Uint32N(p.den) < p.num)
}

func count(c filters.Counter, s filters.Stream) {
	if c != nil {
		c.Inc(s.Shard())
	}
}
