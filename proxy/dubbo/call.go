package dubbo

import (
	"time"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// phase is where a call is in its life.
type phase uint8

const (
	phaseRequest  phase = iota // running request filters
	phaseQueued                // waiting for a provider connection
	phaseUpstream              // sent, waiting for the response
	phaseResponse              // running response filters
	phaseDone
)

// call is one request of a consumer connection, from its frame to its
// response. Calls are pooled per loop (loopState.newCall) and reused; gen
// changes each time one ends, so stale references (filter timers) can tell.
// Loop only.
type call struct {
	ls    *loopState
	m     *Manager
	d     *dconn // nil once the consumer connection is gone
	shard int
	gen   uint64
	phase phase

	prev, next *call // in d's list of calls

	// frame is the request frame: a slice of the loop's read buffer (which
	// the loop's next read overwrites) while the call runs synchronously,
	// of buf once held or detached.
	frame  []byte
	buf    []byte
	held   bool
	heldN  int // bytes of buf and rbuf accounted to d's backlog
	head   dubbo.RequestHead
	downID uint64
	twoWay bool
	start  int64 // arrival, a Loop.Now time
	tookNs int64 // start until the call ended (took), 0 until then
	paused bool  // a request filter paused the call (it is routed later than it arrived)

	args     []any
	argsDone bool
	att      map[string]string
	attDone  bool

	filters []filters.Filter
	fi      int // request phase: next filter; response phase: filters left
	timers  []*engine.Timer

	cluster  *upstream.Cluster
	cs       *clusterStats
	host     *upstream.Host
	hp       *hostPool
	up       *upconn
	upID     uint64
	rqSlot   bool
	queued   bool
	timer    *engine.Timer
	timeout  time.Duration
	timedOut bool

	status byte // response status
	sent   bool // a response with status went to the consumer
	// routeName and clusterName are what the router chose (filters/stats.Outcome).
	routeName, clusterName string
	resp                   []byte // the response frame while response filters run
	rbuf                   []byte // resp's copy when a response filter pauses
	respHeld               bool
}

// reset clears c for a new request, keeping its buffers and timer.
func (c *call) reset() {
	clear(c.filters)
	clear(c.timers)
	*c = call{
		ls: c.ls, gen: c.gen, timer: c.timer,
		buf: c.buf[:0], rbuf: c.rbuf[:0], filters: c.filters[:0], timers: c.timers[:0],
	}
}

// begin starts serving the request in frame on d. An error means the body
// is not a Dubbo request; c is not started then.
func (c *call) begin(d *dconn, frame []byte, h dubbo.Header) error {
	c.reset()
	if err := dubbo.ParseRequestHead(frame[dubbo.HeaderSize:], &c.head); err != nil {
		return err
	}
	m := d.m
	c.m, c.d, c.shard = m, d, d.shard
	c.frame, c.downID, c.twoWay = frame, h.ID, h.IsTwoWay()
	c.start = d.loop.Now()
	d.link(c)
	m.stats.RequestDecodingSuccess.Inc(c.shard)
	m.stats.RequestActive.Inc(c.shard)
	for _, f := range m.filters {
		c.filters = append(c.filters, f.New())
	}
	c.runRequestFilters()
	return nil
}

// hold copies the request frame out of the loop's read buffer, for a call
// that outlives the read that brought it and is still to be sent.
func (c *call) hold() { c.keep(len(c.frame)) }

// detach is hold for a call that was sent and waits for its response. The
// request filters and the router are done with the body, so without
// filters only the header and the request head are kept (the timeout
// message names the call; the arguments and attachments then no longer
// decode). With filters the whole frame is kept: their response phase may
// read any of it.
func (c *call) detach() {
	n := len(c.frame)
	if len(c.filters) == 0 {
		n = dubbo.HeaderSize + c.head.ArgsOffset
	}
	c.keep(n)
}

// keep copies the first n bytes of the request frame into c.buf and points
// the frame and the request head there.
func (c *call) keep(n int) {
	if c.held {
		return
	}
	c.buf = append(c.buf[:0], c.frame[:n]...)
	c.frame, c.held = c.buf, true
	if d := c.d; d != nil {
		c.heldN = n
		d.hold(n)
	}
	c.head.Rebase(c.frame[dubbo.HeaderSize:]) // n covers the head
}

// runRequestFilters runs the request phase from the next filter, then routes.
func (c *call) runRequestFilters() {
	for c.phase == phaseRequest && c.fi < len(c.filters) {
		f := c.filters[c.fi]
		c.fi++
		gen := c.gen
		if f.OnRequest(c, c) == filters.Stop {
			if c.gen == gen && c.phase == phaseRequest {
				c.hold() // paused: resumed from a later loop event
				c.paused = true
			}
			return
		}
		if c.gen != gen {
			return
		}
	}
	if c.phase == phaseRequest {
		c.route()
	}
}

// runResponseFilters runs the response phase (last filter first), then
// sends the response.
func (c *call) runResponseFilters() {
	for c.phase == phaseResponse && c.fi > 0 {
		c.fi--
		f := c.filters[c.fi]
		gen := c.gen
		if f.OnResponse(c, (*respView)(c)) == filters.Stop {
			if c.gen == gen && c.phase == phaseResponse && !c.respHeld {
				c.rbuf = append(c.rbuf[:0], c.resp...)
				c.resp, c.respHeld = c.rbuf, true
				c.heldN += len(c.rbuf)
				c.d.hold(len(c.rbuf)) // response filters run only with a consumer
			}
			return
		}
		if c.gen != gen {
			return
		}
	}
	if c.phase == phaseResponse {
		c.sendResponse()
	}
}

// finish ends the call: timers, breakers, filters, stats, the consumer
// connection's accounting; then c goes back to the loop's pool.
func (c *call) finish() {
	if c.phase == phaseDone {
		return
	}
	c.phase = phaseDone
	c.timer.Stop()
	for _, t := range c.timers {
		t.Stop()
	}
	if uc := c.up; uc != nil {
		c.up = nil
		uc.forget(c)
	}
	if c.queued {
		c.hp.dequeue(c)
	}
	c.release()
	for i, f := range c.filters {
		f.OnDone(c)
		c.filters[i] = nil // OnDone is its last call; it may already serve another call
	}
	c.filters = c.filters[:0]
	s := c.m.stats
	s.RequestActive.Dec(c.shard)
	if c.twoWay {
		s.RequestTime.RecordDuration(c.shard, c.took())
	}
	if d := c.d; d != nil {
		c.d = nil
		d.hold(-c.heldN)
		d.unlink(c)
	}
	c.gen++
	c.ls.recycle(c)
}

// took is the time from the request's arrival until now, read from the loop's clock once per
// call (the cluster's and the connection manager's request times share it).
func (c *call) took() time.Duration {
	if c.tookNs == 0 {
		c.tookNs = max(c.ls.loop.Now()-c.start, 1)
	}
	return time.Duration(c.tookNs)
}

// release returns the breaker slots and the host's request count.
func (c *call) release() {
	if c.rqSlot {
		c.rqSlot = false
		c.cluster.ReleaseRequest()
		c.cs.RqActive.Dec(c.shard)
		c.cs.RqCompleted.Inc(c.shard)
		if c.twoWay && c.status != 0 {
			c.cs.RqTime.RecordDuration(c.shard, c.took())
		}
	}
	if h := c.host; h != nil {
		c.host = nil
		h.RequestDone(c.status == dubbo.StatusOK, c.timedOut)
	}
}

// downstreamGone handles the consumer connection closing. A call in flight
// stays in its provider connection's table until its response (dropped and
// counted in response_error_caused_connection_close) or its timeout, so that the host's
// active-request count stays true; any other call ends now (one waiting for
// a provider connection counts in upstream_rq_cancelled).
func (c *call) downstreamGone() {
	c.d = nil
	if c.queued {
		c.cs.RqCancelled.Inc(c.shard)
	}
	if c.phase != phaseUpstream {
		c.finish()
	}
}

// onTimeout is the call's timeout (loop timer).
func (c *call) onTimeout() {
	if c.phase == phaseDone {
		return
	}
	c.timedOut = true
	if c.cs != nil {
		c.cs.RqTimeout.Inc(c.shard)
	}
	c.localReply(dubbo.StatusServerTimeout, timeoutMessage(c))
}
