package dubbo

import (
	"context"
	"net/netip"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// Request IDs on a provider connection are the proxy's: the low slotBits
// bits index the connection's table of calls in flight, the 39 bits above
// count the connection's requests, and heartbeats set hbBit. A late
// response to an ended call (timed out, its consumer gone) finds its slot
// empty or holding a call with another count, so it matches nothing; the
// count wraps after 2^39 requests on one connection, far beyond any
// response's lateness.
const (
	slotBits   = 24
	slotMask   = 1<<slotBits - 1
	oneWaySlot = slotMask // one-way calls: never in the table
	hbBit      = 1 << 63
)

// upconn is one connection to a provider host, carrying many calls at
// once. Loop only.
type upconn struct {
	hp       *hostPool
	c        gnet.Conn
	dialAt   time.Time
	openedAt time.Time
	maxBody  uint32 // largest response body accepted

	slots    []*call // calls in flight by slot
	free     []uint32
	seq      uint64
	inflight int

	hb         *engine.Timer
	hbInterval time.Duration // idle time before a heartbeat
	hbMisses   int           // silent intervals that close the connection
	reads      uint64        // frames received
	seen       uint64        // reads at the last heartbeat tick
	missed     int           // heartbeat ticks in a row without a frame
	hbSeq      uint64
	sent       uint64 // calls sent
	sentSeen   uint64 // sent at the last heartbeat tick

	out output // bytes queued for the provider during this event

	closed   bool // failed or closing: takes no calls
	readonly bool // the provider is going away: no new calls
	gone     bool // OnClose ran
}

var _ engine.Handler = (*upconn)(nil)

// dial runs on its own goroutine for one connect, then enrolls the
// connection on loop l.
func (uc *upconn) dial(l *engine.Loop, d upstream.Dialer, timeout time.Duration, src netip.Addr) {
	nc, err := d.DialFrom(context.Background(), uc.hp.host, timeout, src)
	if err == nil {
		if err = l.Enroll(nc, uc); err == nil {
			return
		}
	}
	_ = l.Post(func() {
		hp := uc.hp
		hp.host.ConnectFailed()
		cs := hp.cluster.Stats
		cs.CxConnectFail.Inc(l.Index())
		if connectReason(err) == "connect timeout" {
			cs.CxConnectTimeout.Inc(l.Index())
		}
		hp.connectFailed(err)
	})
}

// OnOpen implements engine.Handler.
func (uc *upconn) OnOpen(l *engine.Loop, c gnet.Conn) {
	uc.c, uc.openedAt = c, time.Now()
	uc.slots, uc.free = make([]*call, 0, 64), make([]uint32, 0, 64)
	hp := uc.hp
	shard := l.Index()
	hp.host.ConnOpened()
	cs := hp.cluster.Stats
	cs.CxTotal.Inc(shard)
	cs.CxActive.Inc(shard)
	cs.CxConnectMs.RecordDuration(shard, uc.openedAt.Sub(uc.dialAt))
	uc.hb = l.AfterFunc(uc.hbInterval, uc.onHeartbeat)
	hp.opened(uc)
}

// send writes c's request with a proxy-assigned ID. A two-way call waits in
// the table for its response; a one-way call ends here.
func (uc *upconn) send(c *call) {
	slot := uint64(oneWaySlot)
	if c.twoWay {
		s, ok := uc.put(c)
		if !ok {
			c.cs.RqPendingOverflow.Inc(c.shard)
			c.localReply(dubbo.StatusThreadpoolExhausted, msgOverflow+": too many calls in flight on one connection to "+uc.hp.host.Addr().String())
			return
		}
		slot = uint64(s)
	}
	uc.seq++
	uc.sent++
	id := (uc.seq<<slotBits | slot) &^ hbBit
	dubbo.PutID(c.frame, id)
	uc.write(c.frame)
	if !c.twoWay {
		c.status = dubbo.StatusOK
		c.finish()
		return
	}
	c.up, c.upID, c.phase = uc, id, phaseUpstream
	c.detach()
}

// write queues b for the provider; it is sent after the event
// (output.go) and counted in upstream_cx_tx_bytes_total.
func (uc *upconn) write(b []byte) {
	if uc.out.add(uc.hp.ls, uc.c, b) {
		uc.hp.ls.loop.FlushAfter(uc)
	}
	uc.hp.cluster.Stats.CxTxBytesTotal.Add(uc.hp.ls.loop.Index(), uint64(len(b)))
}

// Flush implements engine.Flusher: it sends the queued bytes.
func (uc *upconn) Flush() { uc.out.flush(uc.hp.ls, uc.c, !uc.gone) }

// put stores c in a free slot; false when the table is full (slotMask
// calls in flight, only possible with a max_requests breaker above that).
func (uc *upconn) put(c *call) (uint32, bool) {
	var slot uint32
	if n := len(uc.free); n > 0 {
		slot = uc.free[n-1]
		uc.free = uc.free[:n-1]
		uc.slots[slot] = c
	} else {
		if len(uc.slots) >= oneWaySlot {
			return 0, false
		}
		slot = uint32(len(uc.slots))
		uc.slots = append(uc.slots, c)
	}
	uc.inflight++
	return slot, true
}

// take removes and returns the call waiting for the response id, or nil.
func (uc *upconn) take(id uint64) *call {
	slot := id & slotMask
	if id&hbBit != 0 || slot >= uint64(len(uc.slots)) {
		return nil
	}
	c := uc.slots[slot]
	if c == nil || c.upID != id {
		return nil
	}
	uc.slots[slot] = nil
	uc.free = append(uc.free, uint32(slot))
	uc.inflight--
	if uc.inflight == 0 && uc.readonly {
		uc.close()
	}
	return c
}

// forget removes a call that ended without its response (timeout, local
// reply); a response arriving later matches nothing and is dropped.
func (uc *upconn) forget(c *call) { uc.take(c.upID) }

// OnTraffic implements engine.Handler: frames from the provider.
func (uc *upconn) OnTraffic(c gnet.Conn) {
	buf, _ := c.Peek(-1)
	off := 0
	for !uc.closed {
		frame, h, err := dubbo.NextFrame(buf[off:], uc.maxBody)
		if err != nil {
			uc.fail("skiff: upstream protocol error: "+uc.hp.host.Addr().String()+": "+err.Error(), true)
			break
		}
		if frame == nil {
			break
		}
		off += len(frame)
		uc.reads++
		uc.frame(frame, h)
	}
	if uc.closed {
		_, _ = c.Discard(-1)
		return
	}
	if off > 0 { // Discard(0) would drop everything
		_, _ = c.Discard(off)
		uc.hp.cluster.Stats.CxRxBytesTotal.Add(uc.hp.ls.loop.Index(), uint64(off))
	}
}

// frame handles one frame from the provider.
func (uc *upconn) frame(frame []byte, h dubbo.Header) {
	if h.IsEvent() {
		uc.event(frame, h)
		return
	}
	if h.IsRequest() {
		return // providers do not call consumers
	}
	if c := uc.take(h.ID); c != nil {
		c.onResponse(frame, h)
	}
}

// fail closes the connection and answers every call in flight with
// SERVER_ERROR and msg. badFrame says the provider sent an undecodable
// frame (counted as response_decoding_error for each call it ends).
func (uc *upconn) fail(msg string, badFrame bool) {
	if uc.closed {
		return
	}
	uc.out.drop(uc.hp.ls) // requests not sent yet are answered below
	uc.close()
	for i, c := range uc.slots {
		if c == nil {
			continue
		}
		uc.slots[i] = nil
		c.up = nil
		c.cs.RqRxReset.Inc(c.shard)
		if badFrame {
			c.m.stats.ResponseDecodingError.Inc(c.shard)
		}
		c.localReply(dubbo.StatusServerError, msg)
	}
	uc.slots, uc.free, uc.inflight = uc.slots[:0], uc.free[:0], 0
}

// close stops new calls and closes the socket.
func (uc *upconn) close() {
	if uc.closed {
		return
	}
	uc.closed = true
	uc.hp.remove(uc)
	uc.hb.Stop()
	uc.Flush()
	if !uc.gone {
		_ = uc.c.Close()
	}
}

// OnClose implements engine.Handler.
func (uc *upconn) OnClose(c gnet.Conn, err error) {
	uc.gone = true
	uc.fail("skiff: upstream reset: "+uc.hp.host.Addr().String(), false)
	hp := uc.hp
	shard := hp.ls.loop.Index()
	hp.host.ConnClosed()
	cs := hp.cluster.Stats
	cs.CxActive.Dec(shard)
	cs.CxDestroy.Inc(shard)
	if err != nil {
		cs.CxDestroyRemote.Inc(shard)
	} else {
		cs.CxDestroyLocal.Inc(shard)
	}
	cs.CxLengthMs.RecordDuration(shard, time.Since(uc.openedAt))
	hp.cluster.ReleaseConnection()
	hp.forgetIfUnused()
}
