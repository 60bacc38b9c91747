package server

import (
	"net"

	"github.com/panjf2000/gnet/v2"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// Listener filters: tls_inspector and http_inspector.
//
// A connection whose filter chain depends on what the inspectors find is registered with the
// engine at once, served by an inspector. The inspector looks at the bytes gnet has read
// (Conn.Peek, nothing is consumed) each time more arrive, on the connection's loop, so a slow
// client never holds the accept goroutine or a worker. Once every inspector has decided (or
// listener_filters_timeout passed, with continue_on_listener_filters_timeout), it picks the
// chain, makes the chain's handler and from then on passes every event to it, starting with
// OnOpen and the bytes already buffered. A peer that closes during inspection is gone, as in
// Envoy.

// maxInspect bounds the bytes the inspectors wait for: Envoy's 16 KiB ClientHello limit, which
// also covers any HTTP/1.x request line worth detecting.
const maxInspect = 16 << 10

// inspectStats are Envoy's tls_inspector.* and http_inspector.* counters.
type inspectStats struct {
	TLSFound, TLSNotFound, SNIFound, ALPNFound, HelloTooLarge *stats.Counter
	HTTP10, HTTP11, HTTP2, HTTPNotFound                       *stats.Counter
}

func newInspectStats(store *stats.Store) *inspectStats {
	t, h := store.Scope(stats.S("tls_inspector")), store.Scope(stats.S("http_inspector"))
	return &inspectStats{
		TLSFound: t.Counter("tls_found"), TLSNotFound: t.Counter("tls_not_found"),
		SNIFound: t.Counter("sni_found"), ALPNFound: t.Counter("alpn_found"),
		HelloTooLarge: t.Counter("client_hello_too_large"),
		HTTP10:        h.Counter("http10_found"), HTTP11: h.Counter("http11_found"),
		HTTP2: h.Counter("http2_found"), HTTPNotFound: h.Counter("http_not_found"),
	}
}

// inspector is the engine.Handler of a connection during inspection, and a pass-through to the
// chain's handler afterwards. Loop only.
type inspector struct {
	l         *listener
	v         *listenerVersion
	ci        config.ConnInfo
	tls, http bool // inspections still to run
	loop      *engine.Loop
	timer     *engine.Timer
	next      engine.Handler // the chain's handler, once chosen
	ended     bool           // inspection is over (chain chosen, refused or closed)
}

var _ engine.Handler = (*inspector)(nil)

// inspect registers nc with the engine under an inspector. Accept goroutine only.
func (l *listener) inspect(nc net.Conn, v *listenerVersion, ci config.ConnInfo, tls, http bool) {
	x := &inspector{l: l, v: v, ci: ci, tls: tls, http: http}
	if err := l.srv.eng.Register(nc, x); err != nil {
		l.stats.RegisterError.Inc(stats.Shared)
		l.srv.log.Warn("register connection failed", "listener", l.name, "err", err)
	}
}

// OnOpen implements engine.Handler.
func (x *inspector) OnOpen(lp *engine.Loop, c gnet.Conn) {
	x.loop = lp
	x.l.stats.PreCxActive.Inc(lp.Index())
	if d := x.v.cfg.ListenerFilters.Timeout; d > 0 {
		x.timer = lp.AfterFunc(d, func() { x.onTimeout(c) })
	}
}

// OnTraffic implements engine.Handler.
func (x *inspector) OnTraffic(c gnet.Conn) {
	switch {
	case x.next != nil:
		x.next.OnTraffic(c)
	case x.ended:
		_, _ = c.Discard(-1)
	default:
		buf, _ := c.Peek(-1)
		if x.detect(buf) {
			x.choose(c)
		}
	}
}

// OnClose implements engine.Handler.
func (x *inspector) OnClose(c gnet.Conn, err error) {
	if x.next != nil {
		x.next.OnClose(c, err)
		return
	}
	x.end()
}

// onTimeout ends inspection after listener_filters_timeout: with what was found so far when
// continue_on_listener_filters_timeout is set, else by closing the connection.
func (x *inspector) onTimeout(c gnet.Conn) {
	if x.ended {
		return
	}
	x.l.stats.PreCxTimeout.Inc(x.loop.Index())
	if x.v.cfg.ListenerFilters.ContinueOnTimeout {
		x.choose(c)
		return
	}
	x.end()
	_ = c.Close()
}

// end leaves the inspection state once.
func (x *inspector) end() {
	if x.ended {
		return
	}
	x.ended = true
	x.timer.Stop()
	x.l.stats.PreCxActive.Dec(x.loop.Index())
}

// choose picks the chain with what was detected and hands the connection to its handler, or
// closes it when there is none.
func (x *inspector) choose(c gnet.Conn) {
	x.end()
	f := x.l.factory(x.v, &x.ci, x.loop.Index())
	if f == nil {
		_ = c.Close()
		return
	}
	x.next = f(x.l)
	x.next.OnOpen(x.loop, c)
	if c.InboundBuffered() > 0 {
		x.next.OnTraffic(c)
	}
}

// detect runs the inspectors still undecided over the buffered bytes and reports whether all
// have decided.
func (x *inspector) detect(buf []byte) bool {
	st := x.l.stats.inspect
	shard := x.loop.Index()
	if x.tls {
		hello, res := parseClientHello(buf)
		switch {
		case res == helloMore && len(buf) < maxInspect:
			return false
		case res == helloMore:
			st.HelloTooLarge.Inc(shard)
			st.TLSNotFound.Inc(shard)
		case res == helloFound:
			x.found(hello, shard)
		default:
			st.TLSNotFound.Inc(shard)
		}
		x.tls = false
	}
	if x.http && x.ci.TransportProtocol != config.TransportTLS {
		proto, res := sniffHTTP(buf)
		if res == httpMore && len(buf) < maxInspect {
			return false
		}
		x.httpFound(proto, shard)
	}
	x.http = false
	return true
}

// found records a ClientHello: transport protocol tls, SNI and ALPN.
func (x *inspector) found(h clientHello, shard int) {
	st := x.l.stats.inspect
	st.TLSFound.Inc(shard)
	x.ci.TransportProtocol = config.TransportTLS
	if h.serverName != "" {
		st.SNIFound.Inc(shard)
		x.ci.ServerName = h.serverName
	}
	if len(h.alpn) > 0 {
		st.ALPNFound.Inc(shard)
		x.ci.ApplicationProtocols = h.alpn
	}
}

// httpFound records http_inspector's result ("" = not HTTP).
func (x *inspector) httpFound(proto string, shard int) {
	st := x.l.stats.inspect
	switch proto {
	case "http/1.0":
		st.HTTP10.Inc(shard)
	case "http/1.1":
		st.HTTP11.Inc(shard)
	case "h2c":
		st.HTTP2.Inc(shard)
	default:
		st.HTTPNotFound.Inc(shard)
		return
	}
	x.ci.ApplicationProtocols = []string{proto}
}
