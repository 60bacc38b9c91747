package tcpproxy

import (
	"errors"
	"io"
	"time"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"

	"github.com/skiffmesh/skiff/proxy/engine"
)

// side is one socket of a session. It is the engine.Handler of that socket.
type side struct {
	s        *session
	upstream bool

	c    gnet.Conn        // served by gnet; nil before open and after gnet closed it
	half *engine.HalfConn // write side kept after the peer's FIN

	opened  bool   // the socket was served at some point
	readEOF bool   // the peer sent FIN: nothing more will be read from it
	wrShut  bool   // FIN to the peer is sent or scheduled
	paused  bool   // reading is paused for back-pressure
	gone    bool   // the socket is closed and accounted
	inbox   []byte // bytes read before the other side could take them
}

var _ engine.Handler = (*side)(nil)

func (x *side) other() *side {
	if x.upstream {
		return &x.s.down
	}
	return &x.s.up
}

// limit is the high watermark for bytes queued towards this side's peer.
func (x *side) limit() int {
	if x.upstream {
		return int(max(x.s.cluster.Config().BufferLimit, 16<<10))
	}
	return x.s.f.limit
}

// OnOpen implements engine.Handler.
func (x *side) OnOpen(l *engine.Loop, c gnet.Conn) {
	x.c, x.opened = c, true
	if x.upstream {
		x.s.upOpened()
		return
	}
	x.s.start(l)
}

// OnTraffic implements engine.Handler.
func (x *side) OnTraffic(c gnet.Conn) {
	s := x.s
	if s.closing {
		_, _ = c.Discard(-1)
		return
	}
	s.touch()
	s.forward(x)
}

// forward moves what x has read to the other side, pausing x when the other
// side's queue passes its limit.
func (s *session) forward(x *side) {
	to := x.other()
	if x.paused {
		x.repause()
		return
	}
	if !to.opened {
		if x.c.InboundBuffered() > x.s.f.limit {
			x.pause()
		}
		return
	}
	if to.gone || to.wrShut {
		_, _ = x.c.Discard(-1)
		return
	}
	buf, _ := x.c.Next(-1)
	s.count(x, len(buf))
	to.write(buf)
	if to.backlog() > to.limit() {
		x.pauseFor(to)
	}
}

func (s *session) count(from *side, n int) {
	if from.upstream {
		s.cluster.Stats.CxRxBytesTotal.Add(s.shard, uint64(n))
		s.f.stats.TxBytes.Add(s.shard, uint64(n))
		return
	}
	s.f.stats.RxBytes.Add(s.shard, uint64(n))
	if s.cluster != nil {
		s.cluster.Stats.CxTxBytesTotal.Add(s.shard, uint64(n))
	}
}

func (x *side) write(b []byte) {
	switch {
	case x.c != nil:
		_, _ = x.c.Write(b)
	case x.half != nil:
		x.half.Write(b)
	}
}

// backlog is the number of bytes queued towards this side's peer.
func (x *side) backlog() int {
	switch {
	case x.c != nil:
		return x.c.OutboundBuffered()
	case x.half != nil:
		return x.half.Buffered()
	}
	return 0
}

func (x *side) pause() bool {
	if x.paused {
		return true
	}
	if err := x.s.loop.PauseRead(x.c); err != nil {
		return false
	}
	x.paused = true
	if x.upstream {
		x.s.f.stats.UpstreamPaused.Inc(x.s.shard)
	} else {
		x.s.f.stats.PausedReading.Inc(x.s.shard)
	}
	return true
}

// pauseFor pauses x until `to` has taken enough of its queue (half the limit).
func (x *side) pauseFor(to *side) {
	s := x.s
	if !x.pause() {
		// Reading cannot be paused with this gnet build: bound memory by
		// closing connections whose queue runs away.
		if to.backlog() > 4*to.limit() {
			s.f.stats.OverflowBuffer.Inc(s.shard)
			s.teardown(true)
		}
		return
	}
	s.loop.Watch(func() bool {
		if s.closing || !x.paused {
			return true
		}
		if to.backlog() <= to.limit()/2 {
			x.resume()
			return true
		}
		return false
	})
}

// repause handles traffic on a paused side: gnet re-arms reading by itself
// after flushing the side's own outbound queue.
func (x *side) repause() {
	_ = x.s.loop.PauseRead(x.c)
	if x.c.InboundBuffered() > 4*x.s.f.limit {
		x.s.f.stats.OverflowBuffer.Inc(x.s.shard)
		x.s.teardown(true)
	}
}

func (x *side) resume() {
	x.paused = false
	if x.upstream {
		x.s.f.stats.UpstreamResume.Inc(x.s.shard)
	} else {
		x.s.f.stats.ResumedReading.Inc(x.s.shard)
	}
	if x.c == nil {
		return
	}
	_ = x.s.loop.ResumeRead(x.c)
	if x.c.InboundBuffered() > 0 {
		x.s.forward(x)
	}
}

// shutWrite sends FIN to this side's peer once its queue is flushed.
func (x *side) shutWrite() {
	if x.wrShut {
		return
	}
	x.wrShut = true
	if x.half != nil {
		x.half.CloseWrite()
		return
	}
	if x.c == nil {
		return
	}
	c := x.c
	if c.OutboundBuffered() == 0 {
		_ = unix.Shutdown(c.Fd(), unix.SHUT_WR)
		return
	}
	x.s.loop.Watch(func() bool {
		if x.c != c {
			return true // closed meanwhile
		}
		if c.OutboundBuffered() > 0 {
			return false
		}
		_ = unix.Shutdown(c.Fd(), unix.SHUT_WR)
		return true
	})
}

// OnClose implements engine.Handler.
func (x *side) OnClose(c gnet.Conn, err error) {
	s := x.s
	x.c = nil
	x.paused = false
	if s.closing || s.done {
		x.markGone(err != nil)
		s.maybeFinish()
		return
	}
	if !errors.Is(err, io.EOF) {
		x.markGone(true)
		s.teardown(false)
		return
	}
	s.peerFIN(x, c)
}

// peerFIN handles the peer of x shutting down its write side: gnet is closing
// c, so keep the socket for writing if the other direction is still open,
// and pass the FIN on.
func (s *session) peerFIN(x *side, c gnet.Conn) {
	x.readEOF = true
	to := x.other()
	take := func(rest []byte) {
		if to.opened && !to.gone {
			s.count(x, len(rest))
			to.write(rest)
		} else {
			x.inbox = append(x.inbox, rest...)
		}
	}
	if c.InboundBuffered() > 0 { // read but not forwarded (paused or not connected)
		rest, _ := c.Next(-1)
		take(rest)
	}
	s.loop.ReadRemaining(c, take) // still in the socket if gnet closed on EPOLLHUP
	if !to.readEOF || c.OutboundBuffered() > 0 {
		h, err := s.loop.KeepForWriting(c, func(error) { s.halfFailed(x) })
		if err != nil {
			x.markGone(true)
			s.teardown(false)
			return
		}
		x.half = h
		if x.wrShut {
			h.CloseWrite()
		}
	} else {
		x.markGone(false)
	}
	if to.opened {
		to.shutWrite()
	}
	if to.readEOF {
		s.bothEOF()
	}
}

func (s *session) halfFailed(x *side) {
	if !x.gone {
		x.markGone(true)
	}
	s.teardown(false)
}

// close starts closing this side's socket (teardown).
func (x *side) close(rst bool) {
	switch {
	case x.c != nil:
		if rst {
			_ = x.c.SetLinger(0)
		}
		_ = x.c.Close() // OnClose follows
	case x.half != nil && !x.half.Closed():
		if rst {
			x.half.Close()
			x.markGone(false)
		} else {
			x.half.CloseAfterFlush()
			x.s.watchHalves()
		}
	case !x.opened && x.upstream && x.s.dialing:
		// the dial's outcome (connectFailed or OnOpen) finishes this side
	case !x.gone:
		x.markGone(false)
	}
}

// markGone accounts for the socket's end, once.
func (x *side) markGone(remote bool) {
	if x.gone {
		return
	}
	x.gone = true
	s := x.s
	if !x.upstream || !x.opened {
		return
	}
	cl := s.cluster
	s.host.ConnClosed()
	s.host.RequestDone(true, false)
	cl.Stats.CxActive.Dec(s.shard)
	cl.Stats.CxDestroy.Inc(s.shard)
	if remote {
		cl.Stats.CxDestroyRemote.Inc(s.shard)
	} else {
		cl.Stats.CxDestroyLocal.Inc(s.shard)
	}
	cl.Stats.CxLengthMs.RecordDuration(s.shard, time.Since(s.upAt))
	s.releaseSlot()
}
