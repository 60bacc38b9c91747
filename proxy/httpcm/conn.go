package httpcm

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/panjf2000/gnet/v2"

	httpc "github.com/skiffmesh/skiff/protocol/http"
	"github.com/skiffmesh/skiff/proxy/engine"
)

// dconn is one downstream HTTP/1.1 connection. It parses one request head
// at a time; bytes of pipelined requests wait in gnet's buffer until the
// current response is complete. Loop only.
type dconn struct {
	m     *Manager
	obs   Observer
	loop  *engine.Loop
	shard int
	c     gnet.Conn
	pools *pools

	half     *engine.HalfConn // the client shut down its write side: responses go here
	iov      [2][]byte        // writev's vector, kept to spare an allocation
	req      httpc.Request
	head     []byte // copy of the current request head
	st       *stream
	spare    *stream // a finished stream, reused for the next request
	closing  bool
	ended    bool
	paused   bool
	openedAt time.Time
	idle     *engine.Timer
	lastRq   time.Time
	local    netip.AddrPort
	remote   netip.AddrPort
}

var _ engine.Handler = (*dconn)(nil)

// OnOpen implements engine.Handler.
func (d *dconn) OnOpen(l *engine.Loop, c gnet.Conn) {
	d.loop, d.shard, d.c = l, l.Index(), c
	d.pools = loopPools(l, d.m.sh)
	d.openedAt, d.lastRq = time.Now(), time.Now()
	d.local, d.remote = addrPort(c.LocalAddr()), addrPort(c.RemoteAddr())
	d.req.Limits.MaxHeadBytes = d.m.maxHead
	d.obs.Opened(d.shard)
	d.m.stats.CxTotal.Inc(d.shard)
	d.m.stats.CxActive.Inc(d.shard)
	if t := d.m.cfg.IdleTimeout; t > 0 {
		d.idle = l.AfterFunc(t, d.onIdle)
	}
}

// OnTraffic implements engine.Handler.
func (d *dconn) OnTraffic(c gnet.Conn) {
	if d.closing {
		_, _ = c.Discard(-1)
		return
	}
	if d.st != nil {
		d.st.downstreamData()
		return
	}
	d.next()
}

// next parses the next request head from what is buffered.
func (d *dconn) next() {
	if d.closing || d.st != nil {
		return
	}
	buf, _ := d.c.Peek(-1)
	if len(buf) == 0 {
		return
	}
	n, err := d.req.Parse(buf)
	if errors.Is(err, httpc.ErrNeedMore) {
		return
	}
	if err != nil {
		d.protocolError(err)
		return
	}
	d.head = append(d.head[:0], buf[:n]...)
	d.req.Rebase(d.head)
	_, _ = d.c.Discard(n)
	d.lastRq = time.Now()
	st := d.spare
	if st == nil {
		st = &stream{}
	}
	d.spare = nil
	d.st = st
	st.begin(d)
}

// protocolError answers an unparsable request and closes the connection.
func (d *dconn) protocolError(err error) {
	status := httpc.StatusCode(err)
	s := d.m.stats
	s.CxProtocolError.Inc(d.shard)
	switch status {
	case 431:
		s.HeadTooLarge.Inc(d.shard)
	case 413:
		s.RqTooLarge.Inc(d.shard)
	}
	s.class(status).Inc(d.shard)
	d.writeLocal(status, []byte(err.Error()), true, nil)
	d.closeAfterFlush()
}

// streamDone is called by the stream when its response is complete.
func (d *dconn) streamDone(st *stream, keepAlive bool) {
	d.st = nil
	d.spare = st
	d.req.Reset()
	if !keepAlive {
		d.closeAfterFlush()
		return
	}
	if d.paused {
		d.paused = false
		_ = d.loop.ResumeRead(d.c)
	}
	d.next()
}

// closeAfterFlush closes the connection once its queued bytes are sent.
func (d *dconn) closeAfterFlush() {
	if d.closing {
		return
	}
	d.closing = true
	if h := d.half; h != nil {
		h.CloseAfterFlush()
		d.loop.Watch(func() bool {
			if !h.Closed() {
				return false
			}
			d.idle.Stop()
			d.gone()
			return true
		})
		return
	}
	c := d.c
	if c.OutboundBuffered() == 0 {
		_ = c.Close()
		return
	}
	d.loop.Watch(func() bool {
		if c.OutboundBuffered() > 0 {
			return false
		}
		_ = c.Close()
		return true
	})
}

// reset closes the connection at once (RST).
func (d *dconn) reset() {
	d.closing = true
	if h := d.half; h != nil {
		h.Close()
		d.idle.Stop()
		d.gone()
		return
	}
	_ = d.c.SetLinger(0)
	_ = d.c.Close()
}

func (d *dconn) onIdle() {
	if d.closing {
		return
	}
	t := d.m.cfg.IdleTimeout
	if left := t - time.Since(d.lastRq); d.st != nil || left > 0 {
		d.idle.Reset(max(left, time.Second))
		return
	}
	d.m.stats.CxIdleTimeout.Inc(d.shard)
	d.closeAfterFlush()
}

// write sends bytes to the client.
func (d *dconn) write(b []byte) {
	if d.half != nil {
		d.half.Write(b)
		return
	}
	_, _ = d.c.Write(b)
}

// writev sends a and then b to the client, in one syscall when the socket
// takes them.
func (d *dconn) writev(a, b []byte) {
	if d.half != nil {
		d.half.Write(a)
		d.half.Write(b)
		return
	}
	d.iov[0], d.iov[1] = a, b
	_, _ = d.c.Writev(d.iov[:])
	d.iov[0], d.iov[1] = nil, nil
}

// outbound is the number of bytes queued for the client.
func (d *dconn) outbound() int {
	if d.half != nil {
		return d.half.Buffered()
	}
	return d.c.OutboundBuffered()
}

// keepForResponse handles a client that shut down its write side after a
// complete request: gnet is closing the connection, but the response is
// still owed, so the socket is kept for writing it.
func (d *dconn) keepForResponse(c gnet.Conn) bool {
	st := d.st
	if st == nil || !st.reqDone || st.phase == phaseTunnel || d.half != nil {
		return false
	}
	h, err := d.loop.KeepForWriting(c, func(error) {
		if d.st != nil {
			d.st.downstreamGone()
		}
		d.gone()
	})
	if err != nil {
		return false
	}
	d.half = h
	st.keepAlive = false
	return true
}

// OnClose implements engine.Handler.
func (d *dconn) OnClose(c gnet.Conn, err error) {
	if errors.Is(err, io.EOF) && !d.closing && d.keepForResponse(c) {
		return // finished when the response is written (closeAfterFlush)
	}
	d.closing = true
	d.idle.Stop()
	if st := d.st; st != nil {
		d.st = nil
		if err != nil && !errors.Is(err, io.EOF) {
			d.m.stats.RqRxReset.Inc(d.shard)
		}
		st.downstreamGone()
	}
	d.gone()
}

// gone accounts for the end of the connection, once.
func (d *dconn) gone() {
	if d.ended {
		return
	}
	d.ended = true
	s := d.m.stats
	s.CxActive.Dec(d.shard)
	s.CxDestroy.Inc(d.shard)
	d.obs.Closed(d.shard, time.Since(d.openedAt))
}

func addrPort(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}
