package server

import (
	"net"
	"net/netip"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// Original destinations and Istio's listener model (docs/istio.md).
//
// A listener with use_original_dst (Istio's virtualOutbound on 15001) hands each accepted
// connection to the listener whose address is the connection's original destination: the
// accepted socket's local address, which TPROXY leaves untouched. Such listeners usually have
// bind_to_port: false: they have no socket and only serve what is handed to them.

// handoffIndex maps listener addresses to running listeners. It is replaced, never modified.
type handoffIndex map[netip.AddrPort]*listener

// listenAddr is the address a listener answers to: its bound address, or the configured address
// of a listener without a socket.
func (l *listener) listenAddr() netip.AddrPort {
	if l.ln == nil {
		return l.addr
	}
	return addrPort(l.ln.Addr())
}

// refreshHandoff rebuilds the handoff index after listeners changed. Called with s.mu held.
func (s *Server) refreshHandoff() {
	idx := make(handoffIndex, len(s.listeners))
	for _, l := range s.listeners {
		idx[l.listenAddr()] = l
	}
	s.handoff.Store(&idx)
}

// handoffTarget returns the listener that serves a connection accepted by from with original
// destination dst: the listener on exactly dst, else the one on 0.0.0.0 (IPv4) or [::] with
// dst's port, else from itself, as Envoy does for use_original_dst.
func (s *Server) handoffTarget(from *listener, dst netip.AddrPort) *listener {
	p := s.handoff.Load()
	if p == nil {
		return from
	}
	idx := *p
	if l, ok := idx[dst]; ok {
		return l
	}
	if dst.Addr().Is4() {
		if l, ok := idx[netip.AddrPortFrom(netip.IPv4Unspecified(), dst.Port())]; ok {
			return l
		}
	}
	if l, ok := idx[netip.AddrPortFrom(netip.IPv6Unspecified(), dst.Port())]; ok {
		return l
	}
	return from
}

// handle serves a connection this listener accepted or had handed over: it counts it as this
// listener's, runs the listener filters when a filter chain depends on them (inspect.go), picks
// the chain and hands the connection to the engine. Accept goroutine only.
func (l *listener) handle(nc net.Conn, dst, src netip.AddrPort) {
	v := l.version.Load()
	ci := config.ConnInfo{Dst: dst, Src: src}
	if tls, http := v.cfg.Inspect(dst.Port()); tls || http {
		l.inspect(nc, v, ci, tls, http)
		return
	}
	f := l.factory(v, &ci, stats.Shared)
	if f == nil {
		_ = nc.Close()
		return
	}
	if err := l.srv.eng.Register(nc, f(l)); err != nil {
		l.stats.RegisterError.Inc(stats.Shared)
		l.srv.log.Warn("register connection failed", "listener", l.name, "err", err)
	}
}

// factory picks the filter chain for ci and returns its connection factory, or counts why there
// is none and returns nil: no chain matched, or the chain requires TLS, which Skiff does not
// terminate yet. shard is the stats shard of the calling goroutine.
func (l *listener) factory(v *listenerVersion, ci *config.ConnInfo, shard int) connFactory {
	chain := v.cfg.SelectConn(ci)
	switch {
	case chain == nil:
		l.stats.NoChainMatch.Inc(shard)
		return nil
	case chain.RequiresTLS:
		l.stats.TLSUnsupported.Inc(shard)
		return nil
	}
	return v.filters[chain]
}

// noteSkipped logs the telemetry-only filters a newly applied listener config leaves out and
// counts them in listener_manager.telemetry_filters_skipped. Called with s.mu held.
func (s *Server) noteSkipped(cfg *config.Listener) {
	skipped := cfg.SkippedFilters()
	if len(skipped) == 0 {
		return
	}
	if s.skipped == nil {
		s.skipped = s.store.Scope(stats.S("listener_manager")).Counter("telemetry_filters_skipped")
	}
	s.skipped.Add(stats.Shared, uint64(len(skipped)))
	s.log.Warn("telemetry-only filters skipped", "listener", cfg.Name, "count", len(skipped), "filters", skipped)
}

// startUnbound makes the running state of a listener with bind_to_port: false: no socket, no
// accept goroutine; it serves only connections handed over to it. Called with s.mu held.
func (s *Server) startUnbound(cfg *config.Listener, v *listenerVersion) *listener {
	l := &listener{
		srv: s, name: cfg.Name, addr: cfg.Address,
		stats: newListenerStats(s.store, listenerStatName(cfg, net.TCPAddrFromAddrPort(cfg.Address))),
		done:  make(chan struct{}),
	}
	close(l.done)
	l.version.Store(v)
	s.log.Info("listener added without a socket (bind_to_port false)", "name", cfg.Name, "address", cfg.Address.String())
	return l
}

// netAddr is listenAddr as a net.Addr.
func (l *listener) netAddr() net.Addr {
	if l.ln != nil {
		return l.ln.Addr()
	}
	return net.TCPAddrFromAddrPort(l.addr)
}
