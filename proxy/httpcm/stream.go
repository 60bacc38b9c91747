package httpcm

import (
	"time"

	"github.com/skiffmesh/skiff/filters"
	httpc "github.com/skiffmesh/skiff/protocol/http"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/route"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// phase is where a stream is in its life.
type phase uint8

const (
	phaseRequest  phase = iota // running request filters
	phaseRouting               // waiting for / talking to an upstream
	phaseResponse              // running response filters
	phaseBody                  // forwarding the response body
	phaseTunnel                // relaying an upgraded connection's bytes
	phaseDone
)

// stream is one request on a downstream connection. It is reused for the
// connection's next request (reset in begin). Loop only.
type stream struct {
	d     *dconn
	req   *httpc.Request
	hdrs  overlay
	phase phase
	start time.Time

	filters []filters.Filter
	fi      int // request phase: next filter; response phase: filters left

	rt      *route.Route
	cluster *upstream.Cluster
	cs      *clusterStats
	host    *upstream.Host
	hp      *hostPool
	up      *upconn
	pending bool
	rqSlot  bool

	// request body
	body     bodyState
	reqDone  bool   // the whole request came from downstream
	replay   []byte // body bytes kept for retries
	noReplay bool   // the body outgrew the replay buffer

	// response
	rhdrs     overlay
	status    int
	gotHead   bool
	sentHead  bool // response head written downstream
	respBody  bodyState
	keepAlive bool

	attempts   int
	retrySlot  bool
	timeout    *engine.Timer
	perTry     *engine.Timer
	retryTimer *engine.Timer
	timers     []*engine.Timer // filter timers
	details    string
	rxBytes    int64 // request body bytes from downstream
	txBytes    int64 // response body bytes to downstream
	lastHost   *upstream.Host
}

// begin starts serving the request just parsed on d.
func (st *stream) begin(d *dconn) {
	*st = stream{
		d: d, req: &d.req, start: time.Now(),
		filters: st.filters[:0], hdrs: st.hdrs, rhdrs: st.rhdrs, replay: st.replay[:0], timers: st.timers[:0],
		timeout: st.timeout, // kept across requests: re-armed, not re-made
	}
	st.hdrs.reset(&d.req.Header)
	st.body.init(d.req.Framing())
	st.reqDone = st.body.none()
	st.keepAlive = d.req.KeepAlive()
	s := d.m.stats
	s.RqTotal.Inc(d.shard)
	s.RqActive.Inc(d.shard)
	for _, f := range d.m.filters {
		st.filters = append(st.filters, f.New())
	}
	if d.req.ExpectContinue() {
		d.write(continue100)
		st.hdrs.Del("expect")
	}
	st.runRequestFilters()
}

var continue100 = []byte("HTTP/1.1 100 Continue\r\n\r\n")

func (st *stream) shard() int { return st.d.shard }

// runRequestFilters runs the request phase from the next filter, then routes.
func (st *stream) runRequestFilters() {
	for st.phase == phaseRequest && st.fi < len(st.filters) {
		f := st.filters[st.fi]
		st.fi++
		if f.OnRequest(st, st) == filters.Stop {
			return
		}
	}
	if st.phase == phaseRequest {
		st.phase = phaseRouting
		st.route()
	}
}

// Resume implements filters.Stream.
func (st *stream) Resume() {
	switch st.phase {
	case phaseRequest:
		st.runRequestFilters()
	case phaseResponse:
		st.runResponseFilters()
	}
}

// SendLocalReply implements filters.Stream.
func (st *stream) SendLocalReply(r filters.LocalReply) {
	st.localReply(r.Status, r.Body, r.Headers, r.Details)
}

// AfterFunc implements filters.Stream.
func (st *stream) AfterFunc(d time.Duration, fn func()) filters.Timer {
	t := st.d.loop.AfterFunc(d, func() {
		if st.phase != phaseDone {
			fn()
		}
	})
	st.timers = append(st.timers, t)
	return t
}

// Shard implements filters.Stream.
func (st *stream) Shard() int { return st.d.shard }

// filters.Request over the parsed head.

// Protocol implements filters.Request.
func (st *stream) Protocol() filters.Protocol { return filters.HTTP1 }

// Headers implements filters.Request.
func (st *stream) Headers() filters.Headers { return &st.hdrs }

// Attribute implements filters.Request.
func (st *stream) Attribute(name string) ([]byte, bool) {
	switch name {
	case "method":
		return st.req.Method(), true
	case "path":
		return st.req.Path(), true
	case "authority":
		return st.req.Host(), true
	case "scheme":
		return schemeHTTP, true
	}
	return nil, false
}

var schemeHTTP = []byte("http")

// route.Request over the parsed head.

func (st *stream) routeRequest() route.Request { return (*routeView)(st) }

type routeView stream

func (v *routeView) Authority() []byte { return v.req.Host() }
func (v *routeView) Path() []byte      { return v.req.Path() }
func (v *routeView) Method() []byte    { return v.req.Method() }
func (v *routeView) Query() []byte {
	q, _ := v.req.Query()
	return q
}
func (v *routeView) Header(name string) ([]byte, bool) {
	switch name {
	case ":scheme":
		return schemeHTTP, true
	case ":path":
		return v.req.PathQuery(), true
	}
	return v.hdrs.Get(name)
}

// finish ends the stream: stats, filters, timers, breakers, the upstream
// connection, then the downstream connection's next request.
func (st *stream) finish() {
	if st.phase == phaseDone {
		return
	}
	st.phase = phaseDone
	d := st.d
	if len(d.m.logs) > 0 {
		st.writeAccessLogs()
	}
	st.stopTimers()
	st.releaseSlots()
	for i, f := range st.filters {
		f.OnDone(st)
		st.filters[i] = nil // OnDone is its last call; it may already serve another stream
	}
	st.filters = st.filters[:0]
	s := d.m.stats
	s.RqActive.Dec(d.shard)
	s.RqCompleted.Inc(d.shard)
	s.RqTime.RecordDuration(d.shard, time.Since(st.start))
	if uc := st.up; uc != nil {
		st.up = nil
		if !st.reqDone {
			uc.noReuse = true // it has part of a request body
		}
		uc.done()
	}
	if st.pending {
		st.hp.cancel(st)
	}
	if !st.reqDone && !st.body.none() {
		st.keepAlive = false // the rest of the body is in the way of the next request
	}
	d.streamDone(st, st.keepAlive && !d.closing)
}

// downstreamGone handles the downstream connection closing mid-stream.
func (st *stream) downstreamGone() {
	if uc := st.up; uc != nil {
		st.up = nil
		uc.abort()
	}
	st.keepAlive = false
	if st.phase != phaseDone {
		st.d.m.stats.RqTxReset.Inc(st.d.shard)
		if st.details == "" {
			st.details = "downstream_reset"
		}
	}
	st.finish()
}

func (st *stream) stopTimers() {
	for _, t := range []*engine.Timer{st.timeout, st.perTry, st.retryTimer} {
		t.Stop()
	}
	for _, t := range st.timers {
		t.Stop()
	}
	clear(st.timers)
	st.timers = st.timers[:0]
}

func (st *stream) releaseSlots() {
	if st.rqSlot {
		st.rqSlot = false
		st.cluster.ReleaseRequest()
		st.cs.RqActive.Dec(st.shard())
	}
	if st.retrySlot {
		st.retrySlot = false
		st.cluster.ReleaseRetry()
	}
	if st.host != nil {
		st.host.RequestDone(st.status > 0 && st.status < 500, st.details == "upstream_request_timeout")
		st.host = nil
	}
}
