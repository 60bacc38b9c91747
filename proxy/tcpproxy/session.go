package tcpproxy

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// closingGrace bounds how long a closing session may wait for its peers to
// take queued bytes when no idle_timeout is configured.
const closingGrace = 60 * time.Second

// session is one proxied connection: a downstream side and an upstream side,
// both served by the same loop. Every method runs on that loop.
type session struct {
	f     *Filter
	obs   Observer
	loop  *engine.Loop
	shard int

	down, up side

	dst      netip.AddrPort // original destination: the downstream socket's local address
	cluster  *upstream.Cluster
	host     *upstream.Host
	cancel   context.CancelFunc
	dialing  bool
	attempts uint32
	slot     bool // holds a max_connections slot of cluster

	idle       *engine.Timer
	lastActive int64
	openedAt   time.Time
	dialAt     time.Time
	upAt       time.Time

	closing bool
	done    bool
}

func (s *session) start(l *engine.Loop) {
	s.loop, s.shard = l, l.Index()
	s.openedAt = time.Now()
	s.obs.Opened(s.shard)
	if ta, ok := s.down.c.LocalAddr().(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		s.dst = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	s.f.stats.CxTotal.Inc(s.shard)
	if d := s.f.cfg.IdleTimeout; d > 0 {
		s.lastActive = l.Now()
		s.idle = l.AfterFunc(d, s.onIdle)
	}
	s.cluster = s.f.deps.Clusters.Get(s.f.pickCluster())
	if s.cluster == nil {
		s.f.stats.CxNoRoute.Inc(s.shard)
		s.teardown(true)
		return
	}
	s.connect()
}

// connect picks a host and dials it off the loop.
func (s *session) connect() {
	cl := s.cluster
	if cl.Config().Type == config.OriginalDst && s.f.deps.IsOwnAddress != nil && s.f.deps.IsOwnAddress(s.dst) {
		s.f.stats.LoopRefused.Inc(s.shard)
		s.teardown(true)
		return
	}
	h := cl.PickFor(s.shard, s.dst)
	if h == nil {
		cl.Stats.CxNoneHealthy.Inc(s.shard)
		s.teardown(true)
		return
	}
	if !cl.AcquireConnection(s.shard) {
		s.teardown(true)
		return
	}
	s.slot, s.host, s.dialing = true, h, true
	s.attempts++
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.dialAt = time.Now()
	go s.dial(ctx, h, cl.Config().ConnectTimeout, cl.Config().SourceAddress)
}

// dial runs on its own goroutine for the duration of one connect.
func (s *session) dial(ctx context.Context, h *upstream.Host, timeout time.Duration, src netip.Addr) {
	nc, err := s.f.deps.Dialer.DialFrom(ctx, h, timeout, src)
	if err == nil {
		err = s.loop.Enroll(nc, &s.up) // returns after up.OnOpen ran
		if err == nil {
			return
		}
	}
	_ = s.loop.Post(func() { s.connectFailed(h, err) })
}

func (s *session) connectFailed(h *upstream.Host, err error) {
	s.dialing = false
	s.cancel = nil
	cl := s.cluster
	h.ConnectFailed()
	cl.Stats.CxConnectFail.Inc(s.shard)
	if errors.Is(err, upstream.ErrConnectTimeout) {
		cl.Stats.CxConnectTimeout.Inc(s.shard)
	}
	s.releaseSlot()
	if s.closing {
		s.up.markGone(false)
		s.maybeFinish()
		return
	}
	s.f.deps.Logger.Debug("upstream connect failed", "cluster", cl.Name(), "host", h.Addr(), "err", err)
	if s.attempts < max(s.f.cfg.MaxConnectAttempts, 1) {
		s.connect()
		return
	}
	if s.attempts > 1 {
		s.f.stats.ConnectAttempt.Inc(s.shard)
	}
	s.teardown(true)
}

// upOpened runs when the upstream connection is served by the loop.
func (s *session) upOpened() {
	s.dialing = false
	s.cancel = nil
	s.upAt = time.Now()
	cl, h := s.cluster, s.host
	h.ConnOpened()
	h.RequestStarted()
	cl.Stats.CxTotal.Inc(s.shard)
	cl.Stats.CxActive.Inc(s.shard)
	cl.Stats.CxConnectMs.RecordDuration(s.shard, s.upAt.Sub(s.dialAt))
	if s.closing {
		s.up.c.Close()
		return
	}
	d := &s.down
	if len(d.inbox) > 0 {
		s.count(d, len(d.inbox))
		s.up.write(d.inbox)
		d.inbox = nil
	}
	if d.paused {
		d.resume()
	} else if d.c != nil && d.c.InboundBuffered() > 0 {
		s.forward(d)
	}
	if d.readEOF {
		s.up.shutWrite()
	}
}

func (s *session) touch() {
	if s.idle != nil {
		s.lastActive = s.loop.Now()
	}
}

func (s *session) onIdle() {
	d := s.f.cfg.IdleTimeout
	if s.closing {
		s.teardown(true) // peers did not take what was queued in time
		return
	}
	if left := d - time.Duration(s.loop.Now()-s.lastActive); left > 0 {
		s.idle.Reset(left)
		return
	}
	s.f.stats.IdleTimeout.Inc(s.shard)
	s.teardown(false)
}

// teardown closes both sides. rst resets them (SO_LINGER 0) instead of
// flushing what is queued.
func (s *session) teardown(rst bool) {
	first := !s.closing
	s.closing = true
	if s.cancel != nil {
		s.cancel()
	}
	for _, x := range []*side{&s.down, &s.up} {
		x.close(rst)
	}
	if first && !rst {
		grace := s.f.cfg.IdleTimeout
		if grace <= 0 {
			grace = closingGrace
		}
		if s.idle == nil {
			s.idle = s.loop.AfterFunc(grace, s.onIdle)
		} else {
			s.idle.Reset(grace)
		}
	}
	s.maybeFinish()
}

// maybeFinish completes the session once both sockets are gone and no dial
// is in flight.
func (s *session) maybeFinish() {
	if s.done || s.dialing || !s.down.gone || !s.up.gone {
		return
	}
	s.done = true
	s.idle.Stop()
	s.releaseSlot()
	s.obs.Closed(s.shard, time.Since(s.openedAt))
}

// bothEOF handles the end of both directions: flush what is queued and close.
func (s *session) bothEOF() {
	for _, x := range []*side{&s.down, &s.up} {
		if x.half != nil {
			x.half.CloseAfterFlush()
		}
	}
	s.closing = true
	s.watchHalves()
}

// watchHalves marks sides gone once their kept sockets closed.
func (s *session) watchHalves() {
	check := func() bool {
		for _, x := range []*side{&s.down, &s.up} {
			if !x.gone && x.c == nil && (x.half == nil || x.half.Closed()) {
				x.markGone(false)
			}
		}
		s.maybeFinish()
		return s.done
	}
	if !check() {
		s.loop.Watch(check)
	}
}

func (s *session) releaseSlot() {
	if s.slot {
		s.slot = false
		s.cluster.ReleaseConnection()
	}
}
