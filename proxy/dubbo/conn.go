package dubbo

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/engine"
)

// dconn is one consumer (downstream) connection. It frames every complete
// request in what was read and starts a call for each; calls run
// concurrently and answer in the order their responses come. Loop only.
type dconn struct {
	m     *Manager
	obs   Observer
	ls    *loopState
	loop  *engine.Loop
	shard int
	c     gnet.Conn
	local netip.AddrPort

	first, last *call // calls in progress
	active      int
	held        int     // bytes of request copies held by the calls (backpressure.go)
	lastUp      *upconn // provider connection last written for this consumer
	out         output  // bytes queued for the consumer during this event

	eventID  uint64
	openedAt time.Time
	closing  bool
	ended    bool
	paused   bool
	draining bool
}

var _ engine.Handler = (*dconn)(nil)

// OnOpen implements engine.Handler.
func (d *dconn) OnOpen(l *engine.Loop, c gnet.Conn) {
	d.loop, d.shard, d.c = l, l.Index(), c
	d.ls = loopOf(l, d.m.sh)
	d.ls.conns[d] = struct{}{}
	d.openedAt = time.Now()
	d.local = addrPort(c.LocalAddr())
	d.obs.Opened(d.shard)
	if d.m.sh.draining.Load() {
		d.drain()
	}
}

// OnTraffic implements engine.Handler.
func (d *dconn) OnTraffic(c gnet.Conn) {
	if d.closing {
		_, _ = c.Discard(-1)
		return
	}
	if d.paused {
		// gnet re-arms reading after flushing; keep the bytes, stay paused.
		_ = d.loop.PauseRead(c)
		return
	}
	d.process()
}

// process starts a call for every complete request frame buffered.
func (d *dconn) process() {
	buf, _ := d.c.Peek(-1)
	off := 0
	for !d.closing && !d.paused {
		frame, h, err := dubbo.NextFrame(buf[off:], d.m.set.maxBody)
		if err != nil {
			d.decodingError(buf[off:], err)
			break
		}
		if frame == nil {
			break
		}
		off += len(frame)
		d.frame(frame, h)
		if !d.paused && d.overLimit() {
			d.pause()
		}
	}
	if d.closing {
		_, _ = d.c.Discard(-1)
		return
	}
	if off > 0 { // Discard(0) would drop everything
		_, _ = d.c.Discard(off)
	}
}

// frame handles one frame from the consumer.
func (d *dconn) frame(frame []byte, h dubbo.Header) {
	if !h.IsRequest() {
		return // a response from a consumer: nothing asked for it
	}
	s := d.m.stats
	if h.IsEvent() {
		s.RequestEvent.Inc(d.shard)
		if dubbo.IsHeartbeat(h, frame[dubbo.HeaderSize:]) && h.IsTwoWay() {
			b := dubbo.AppendHeartbeatResponse(d.ls.enc[:0], h.ID)
			d.ls.enc = b[:0]
			d.write(b)
		}
		return
	}
	s.Request.Inc(d.shard)
	if h.IsTwoWay() {
		s.RequestTwoWay.Inc(d.shard)
	} else {
		s.RequestOneWay.Inc(d.shard)
	}
	c := d.ls.newCall()
	if err := c.begin(d, frame, h); err != nil {
		d.ls.recycle(c)
		d.decodingError(frame, err)
	}
}

// decodingError answers an undecodable request with BAD_REQUEST when its ID
// is known, and closes the connection (after the response).
func (d *dconn) decodingError(b []byte, err error) {
	d.m.stats.RequestDecodingError.Inc(d.shard)
	if len(b) >= 12 && binary.BigEndian.Uint16(b) == dubbo.Magic &&
		b[2]&dubbo.FlagRequest != 0 && b[2]&dubbo.FlagTwoWay != 0 {
		id := binary.BigEndian.Uint64(b[4:12])
		msg := "skiff: bad request: " + err.Error()
		d.write(dubbo.AppendErrorResponse(nil, id, dubbo.StatusBadRequest, msg))
		d.m.stats.LocalError.Inc(d.shard)
	}
	d.closeAfterFlush()
}

// link adds a call to the connection's calls in progress.
func (d *dconn) link(c *call) {
	c.prev, c.next = d.last, nil
	if d.last != nil {
		d.last.next = c
	} else {
		d.first = c
	}
	d.last = c
	d.active++
}

// unlink removes an ended call; a draining connection closes once it has
// none left.
func (d *dconn) unlink(c *call) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		d.first = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		d.last = c.prev
	}
	c.prev, c.next = nil, nil
	d.active--
	if d.draining && d.active == 0 {
		d.closeAfterFlush()
	}
}

// drain sends the consumer Dubbo's READONLY event, then closes the
// connection once no call is in progress.
func (d *dconn) drain() {
	if d.draining || d.closing {
		return
	}
	d.draining = true
	d.eventID++
	b := dubbo.AppendReadonlyEvent(d.ls.enc[:0], d.eventID)
	d.ls.enc = b[:0]
	d.write(b)
	if d.active == 0 {
		d.closeAfterFlush()
	}
}

// closeAfterFlush closes the connection once its queued bytes are sent.
func (d *dconn) closeAfterFlush() {
	if d.closing {
		return
	}
	d.closing = true
	d.Flush()
	c := d.c
	if c.OutboundBuffered() == 0 {
		_ = c.Close()
		return
	}
	d.loop.Watch(func() bool {
		if c.OutboundBuffered() > 0 && !d.ended {
			return false
		}
		_ = c.Close()
		return true
	})
}

// OnClose implements engine.Handler: calls in progress are cancelled (see
// call.downstreamGone).
func (d *dconn) OnClose(_ gnet.Conn, err error) {
	remote := !d.closing || (err != nil && !errors.Is(err, io.EOF))
	d.closing, d.ended = true, true
	if d.active > 0 {
		if remote {
			d.m.stats.CxDestroyRemoteActive.Inc(d.shard)
		} else {
			d.m.stats.CxDestroyLocalActive.Inc(d.shard)
		}
	}
	for c := d.first; c != nil; {
		next := c.next
		c.prev, c.next = nil, nil
		c.downstreamGone()
		c = next
	}
	d.first, d.last, d.active = nil, nil, 0
	d.out.drop(d.ls)
	delete(d.ls.conns, d)
	d.obs.Closed(d.shard, time.Since(d.openedAt))
}

// addrPort is a TCP address as an AddrPort (IPv4-mapped addresses
// unmapped); the zero AddrPort for any other address.
func addrPort(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}
