package httpcm

import (
	"context"
	"net/netip"
	"time"

	"github.com/panjf2000/gnet/v2"

	httpc "github.com/skiffmesh/skiff/protocol/http"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// upconn is one HTTP/1.1 connection to an upstream host, owned by a loop's
// pool. It serves one request at a time (no pipelining upstream).
type upconn struct {
	hp        *hostPool
	c         gnet.Conn
	dialAt    time.Time
	openedAt  time.Time
	st        *stream // the request being served, nil when idle
	served    int     // requests completed on this connection
	idleTimer *engine.Timer
	closed    bool
	noReuse   bool // Connection: close, an error, or a body we could not finish

	resp     httpc.Response
	respHead []byte
}

var _ engine.Handler = (*upconn)(nil)

// dial runs on its own goroutine for one connect.
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
		if isTimeout(err) {
			cs.CxConnectTimeout.Inc(l.Index())
		}
		hp.connectFailed(err)
	})
}

// OnOpen implements engine.Handler.
func (uc *upconn) OnOpen(l *engine.Loop, c gnet.Conn) {
	uc.c, uc.openedAt = c, time.Now()
	hp := uc.hp
	hp.dialing--
	hp.conns++
	shard := l.Index()
	hp.host.ConnOpened()
	cs := hp.cluster.Stats
	cs.CxTotal.Inc(shard)
	cs.CxActive.Inc(shard)
	cs.CxConnectMs.RecordDuration(shard, uc.openedAt.Sub(uc.dialAt))
	hp.p.clusterStats(hp.cluster.Name()).Cx1Total.Inc(shard)
	hp.release(uc)
}

// OnTraffic implements engine.Handler.
func (uc *upconn) OnTraffic(c gnet.Conn) {
	if uc.st != nil {
		uc.st.upstreamData(uc)
		return
	}
	// Bytes on an idle connection: the server broke the protocol.
	uc.noReuse = true
	_, _ = c.Discard(-1)
	_ = c.Close()
}

// OnClose implements engine.Handler.
func (uc *upconn) OnClose(c gnet.Conn, err error) {
	if st := uc.st; st != nil && c.InboundBuffered() > 0 {
		switch st.phase { // what arrived just before the close
		case phaseBody:
			st.forwardResponseBody(uc)
		case phaseTunnel:
			st.tunnelFrom(true)
		}
	}
	uc.closed = true
	hp := uc.hp
	shard := hp.p.loop.Index()
	if uc.idleTimer != nil {
		uc.idleTimer.Stop()
	}
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
	hp.gone(uc)
	hp.p.shared.connectionClosed(hp.cluster)
	if st := uc.st; st != nil {
		uc.st = nil
		st.upstreamClosed(uc)
	}
}

// usable reports whether an idle connection can take a request.
func (uc *upconn) usable() bool { return !uc.closed && !uc.noReuse }

func (uc *upconn) idleExpired() {
	if uc.st == nil && !uc.closed {
		uc.noReuse = true
		_ = uc.c.Close()
	}
}

// done ends the request on this connection: back to the pool when it can be
// reused, closed otherwise.
func (uc *upconn) done() {
	uc.st = nil
	uc.served++
	if uc.closed {
		return
	}
	if uc.noReuse || uc.c.InboundBuffered() > 0 {
		uc.noReuse = true
		_ = uc.c.Close()
		return
	}
	uc.hp.release(uc)
}

// abort closes the connection in the middle of a request.
func (uc *upconn) abort() {
	uc.noReuse = true
	uc.st = nil
	if !uc.closed {
		_ = uc.c.SetLinger(0)
		_ = uc.c.Close()
	}
}
