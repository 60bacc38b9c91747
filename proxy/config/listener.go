package config

import (
	"math"
	"net/netip"

	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
)

// DefaultBufferLimit is Envoy's default per_connection_buffer_limit_bytes (1 MiB), used for
// listeners and clusters that do not set it.
const DefaultBufferLimit = 1 << 20

// Socket option constants Skiff accepts in socket_options (Linux values).
const (
	solSocket = 1  // SOL_SOCKET
	soMark    = 36 // SO_MARK
)

// Listener is a translated Envoy Listener: a TCP socket address and the filter chains that serve
// the connections accepted on it. It is immutable.
type Listener struct {
	// Name is the listener name, unique within a snapshot.
	Name string
	// Address is the address to bind. Port 0 asks the kernel for a free port.
	Address netip.AddrPort
	// StatPrefix is the listener's stat_prefix; empty means stats use the address.
	StatPrefix string
	// BufferLimit is per_connection_buffer_limit_bytes: the soft limit on bytes buffered per
	// connection in each direction. Default DefaultBufferLimit; never 0.
	BufferLimit uint32
	// Transparent is `transparent: true`: bind with IP_TRANSPARENT (TPROXY capture).
	Transparent bool
	// SocketMark is the SO_MARK value from socket_options (level SOL_SOCKET, name SO_MARK); 0 = none.
	SocketMark uint32
	// FilterChains are the filter chains in config order.
	FilterChains []*FilterChain
	// DefaultChain is default_filter_chain: used when no chain matches. May be nil.
	DefaultChain *FilterChain
	// BindToPort is bind_to_port (default true). A listener with false gets no socket: it only
	// serves connections handed over by a listener with UseOriginalDst (istio.go).
	BindToPort bool
	// UseOriginalDst is use_original_dst: hand each accepted connection to the listener whose
	// address is the connection's original destination, if there is one.
	UseOriginalDst bool
	// ListenerFilters are the listener_filters Skiff implements (istio.go).
	ListenerFilters ListenerFilters
	// Source is the resource this listener was translated from. Do not modify it.
	Source *listenerv3.Listener

	// match is the compiled filter_chain_match index over FilterChains.
	match *chainMatcher
}

// Select returns the filter chain serving a connection accepted with local (original destination)
// address dst from peer src, with nothing detected by listener filters (transport protocol
// raw_buffer, no SNI, no ALPN): SelectConn with only the addresses set.
func (l *Listener) Select(dst, src netip.AddrPort) *FilterChain {
	return l.SelectConn(&ConnInfo{Dst: dst, Src: src})
}

// SelectConn returns the filter chain serving the connection ci describes, or nil when no chain
// matches and there is no default chain.
//
// It follows Envoy's filter_chain_match order: destination_port (chains naming the port, if any
// do, else chains without a port), then the longest matching prefix_ranges entry (chains without
// prefix_ranges match any address), then server_names (exact, then the longest wildcard, then
// chains without names), transport_protocol (exact, else chains without one), the first of the
// connection's application protocols that a chain names (else chains without
// application_protocols), the longest matching source_prefix_ranges entry, then source_ports (an
// exact port, else chains without source_ports). Like Envoy it does not backtrack: once a level
// has picked the most specific candidates, a mismatch further down yields the default chain.
// IPv4-mapped IPv6 addresses are matched as IPv4. A chain with RequiresTLS is returned like any
// other; the caller refuses the connection.
//
// SelectConn does not allocate and is safe for concurrent use. It only works on listeners
// returned by TranslateListener or Translate; on any other Listener value it returns DefaultChain.
func (l *Listener) SelectConn(ci *ConnInfo) *FilterChain {
	if c := l.match.find(ci); c != nil {
		return c
	}
	return l.DefaultChain
}

// TranslateListener checks and compiles one Envoy Listener, as it comes from a bootstrap or from
// LDS. Errors are FieldErrors (joined) naming the listener and the field path.
func TranslateListener(l *listenerv3.Listener) (*Listener, error) {
	return translateListener(l, "")
}

// translateListener translates l whose fields are at base (empty for a resource on its own).
func translateListener(l *listenerv3.Listener, base string) (*Listener, error) {
	probs := &problems{resource: resourceLabel("listener", l.GetName()), base: base}
	if l == nil {
		probs.addf("", "missing")
		return nil, probs.err()
	}
	checkFields(l, probs)
	if len(probs.errs) > 0 {
		return nil, probs.err()
	}
	out := &Listener{Name: l.GetName(), StatPrefix: l.GetStatPrefix(), Source: l}
	listenerSocket(probs, l, out)
	listenerChains(probs, l, out)
	if len(probs.errs) == 0 {
		validate(probs, "", l)
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// listenerSocket fills in the socket side of a listener: address, buffer limit and options.
func listenerSocket(probs *problems, l *listenerv3.Listener, out *Listener) {
	if l.GetName() == "" {
		probs.addf("name", "required")
	}
	if l.GetAddress() == nil {
		probs.addf("address", "required")
	} else {
		out.Address, _ = socketAddr(probs, "address", l.GetAddress(), ephemeralOK)
	}
	out.BufferLimit = bufferLimit(probs, l.GetPerConnectionBufferLimitBytes())
	out.Transparent = l.GetTransparent().GetValue()
	if l.GetFreebind().GetValue() {
		probs.addf("freebind", "true is %w", ErrUnsupported)
	}
	out.BindToPort = l.GetBindToPort() == nil || l.GetBindToPort().GetValue()
	out.UseOriginalDst = l.GetUseOriginalDst().GetValue()
	out.ListenerFilters = listenerFilters(probs, l)
	out.SocketMark = socketMark(probs, l)
}

// socketMark reads SO_MARK from socket_options, the only socket option Skiff supports.
func socketMark(probs *problems, l *listenerv3.Listener) uint32 {
	var mark uint32
	for i, o := range l.GetSocketOptions() {
		path := index("socket_options", i)
		if o.GetLevel() != solSocket || o.GetName() != soMark {
			probs.addf(path, "level %d name %d %w (only SOL_SOCKET/SO_MARK, level 1 name 36)",
				o.GetLevel(), o.GetName(), ErrUnsupported)
			continue
		}
		v := o.GetIntValue()
		switch {
		case mark != 0:
			probs.addf(path, "SO_MARK set twice")
		case v <= 0 || v > math.MaxUint32:
			probs.addf(joinPath(path, "int_value"), "SO_MARK %d out of range 1..%d", v, uint32(math.MaxUint32))
		default:
			mark = uint32(v)
		}
	}
	return mark
}

// listenerChains translates the filter chains and compiles their matcher.
func listenerChains(probs *problems, l *listenerv3.Listener, out *Listener) {
	if len(l.GetFilterChains()) == 0 && l.GetDefaultFilterChain() == nil {
		probs.addf("filter_chains", "at least one filter chain or a default_filter_chain is required")
		return
	}
	for i, fc := range l.GetFilterChains() {
		out.FilterChains = append(out.FilterChains, translateFilterChain(probs, index("filter_chains", i), fc))
	}
	if d := l.GetDefaultFilterChain(); d != nil {
		if d.GetFilterChainMatch() != nil {
			probs.addf("default_filter_chain.filter_chain_match", "%w on the default chain", ErrUnsupported)
		}
		out.DefaultChain = translateFilterChain(probs, "default_filter_chain", d)
	}
	if len(probs.errs) == 0 {
		out.match = compileMatcher(probs, out.FilterChains)
	}
}
