package server

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// listenerStats are Envoy's listener.<address>.* statistics (plus Skiff's
// downstream_cx_accept_error for failed accepts such as EMFILE).
type listenerStats struct {
	scope         *stats.Scope
	CxTotal       *stats.Counter
	CxActive      *stats.Gauge
	CxDestroy     *stats.Counter
	CxLengthMs    *stats.Histogram
	NoChainMatch  *stats.Counter
	AcceptError   *stats.Counter
	RegisterError *stats.Counter
	LoopRefused   *stats.Counter
	// Listener filters (inspect.go) and the TLS-chain rule (original.go).
	PreCxActive    *stats.Gauge
	PreCxTimeout   *stats.Counter
	TLSUnsupported *stats.Counter
	inspect        *inspectStats
}

// listenerStatName is Envoy's: the stat_prefix if set, else the bound
// address with ':' as '_' (127.0.0.1_10000, [::1]:80 -> ::1_80).
func listenerStatName(l *config.Listener, bound net.Addr) string {
	if p := l.Source.GetStatPrefix(); p != "" {
		return p
	}
	ap := addrPort(bound)
	return ap.Addr().String() + "_" + strconv.Itoa(int(ap.Port()))
}

func newListenerStats(store *stats.Store, name string) *listenerStats {
	sc := store.Scope(stats.S("listener"), stats.T("envoy_listener_address", name))
	return &listenerStats{
		scope:         sc,
		CxTotal:       sc.Counter("downstream_cx_total"),
		CxActive:      sc.Gauge("downstream_cx_active"),
		CxDestroy:     sc.Counter("downstream_cx_destroy"),
		CxLengthMs:    sc.Histogram("downstream_cx_length_ms", stats.Milliseconds),
		NoChainMatch:  sc.Counter("no_filter_chain_match"),
		AcceptError:   sc.Counter("downstream_cx_accept_error"),
		RegisterError: sc.Counter("downstream_cx_register_error"),
		LoopRefused:   sc.Counter("downstream_cx_loop_refused"),

		PreCxActive:    sc.Gauge("downstream_pre_cx_active"),
		PreCxTimeout:   sc.Counter("downstream_pre_cx_timeout"),
		TLSUnsupported: sc.Counter("downstream_cx_tls_unsupported"),
		inspect:        newInspectStats(store),
	}
}

// listenerVersion is one config version of a listener with its compiled
// filter chains. Connections keep the version they were accepted under.
type listenerVersion struct {
	cfg     *config.Listener
	filters map[*config.FilterChain]connFactory
}

// connFactory makes the handler of a new connection for one filter chain.
type connFactory func(obs *listener) engine.Handler

// listener is a running listener: a socket, its accept goroutine and the
// current version.
type listener struct {
	srv     *Server
	name    string
	addr    netip.AddrPort
	ln      net.Listener // nil for bind_to_port: false (original.go)
	stats   *listenerStats
	version atomic.Pointer[listenerVersion]
	done    chan struct{}
}

// Opened implements tcpproxy.Observer.
func (l *listener) Opened(shard int) {
	l.stats.CxTotal.Inc(shard)
	l.stats.CxActive.Inc(shard)
	l.srv.stats.TotalConnections.Inc(shard)
	l.srv.active.Add(1)
}

// Closed implements tcpproxy.Observer.
func (l *listener) Closed(shard int, lifetime time.Duration) {
	l.stats.CxActive.Dec(shard)
	l.stats.CxDestroy.Inc(shard)
	l.stats.CxLengthMs.RecordDuration(shard, lifetime)
	l.srv.active.Add(-1)
}

// serve accepts until the socket is closed. Accept errors other than closing
// (EMFILE, ENFILE, ENOBUFS, ...) back off from 5 ms up to 1 s and retry.
func (l *listener) serve() {
	defer close(l.done)
	var backoff time.Duration
	for {
		nc, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			l.stats.AcceptError.Inc(stats.Shared)
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			l.srv.log.Warn("accept failed; backing off", "listener", l.name, "err", err, "backoff", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		l.dispatch(nc)
	}
}

// dispatch picks the filter chain for nc and hands it to the engine.
func (l *listener) dispatch(nc net.Conn) {
	v := l.version.Load()
	dst, src := addrPort(nc.LocalAddr()), addrPort(nc.RemoteAddr())
	if v.cfg.Transparent && l.srv.isOwnAddress(dst) {
		// A captured connection whose original destination is one of
		// Skiff's own listeners would be proxied back to Skiff, forever.
		l.stats.LoopRefused.Inc(stats.Shared)
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = nc.Close()
		return
	}
	to := l
	if v.cfg.UseOriginalDst {
		to = l.srv.handoffTarget(l, dst) // original.go
	}
	to.handle(nc, dst, src)
}

func addrPort(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}
