package config

import (
	"fmt"
	"strings"
	"time"

	udpav1 "github.com/cncf/xds/go/udpa/type/v1"
	xdsv3 "github.com/cncf/xds/go/xds/type/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	http_inspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/http_inspector/v3"
	original_dstv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/original_dst/v3"
	tls_inspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/tls_inspector/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	rawv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/raw_buffer/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
)

// This file holds what Istio's sidecar listeners need beyond plain Envoy listeners: listener
// filters, the TLS-chain rule and the list of telemetry-only filters Skiff skips. See docs/istio.md.

// DefaultListenerFiltersTimeout is Envoy's listener_filters_timeout.
const DefaultListenerFiltersTimeout = 15 * time.Second

// ListenerFilters are a listener's listener_filters. The inspectors read the first bytes of a
// connection without consuming them; the server runs them only for connections whose filter
// chain depends on their result (Listener.Inspect).
type ListenerFilters struct {
	// OriginalDst is envoy.filters.listener.original_dst. With TPROXY interception the accepted
	// socket's local address already is the original destination, so it changes nothing.
	OriginalDst bool
	// TLSInspector is envoy.filters.listener.tls_inspector: transport protocol "tls", SNI and
	// ALPN from a ClientHello.
	TLSInspector bool
	// HTTPInspector is envoy.filters.listener.http_inspector: application protocol "http/1.1",
	// "http/1.0" or "h2c" from the first bytes of a plaintext connection.
	HTTPInspector bool
	// Timeout is listener_filters_timeout: how long the inspectors wait for bytes (default 15s;
	// 0 = no limit).
	Timeout time.Duration
	// ContinueOnTimeout is continue_on_listener_filters_timeout: on timeout, choose the chain
	// with what was detected so far instead of closing the connection.
	ContinueOnTimeout bool

	tlsOff, httpOff portPredicate // filter_disabled; nil = never disabled
}

// portPredicate is a compiled filter_disabled predicate over the destination port.
type portPredicate func(port uint16) bool

// Inspect says which inspectors a connection to destination port dstPort needs: those the
// listener configures, that filter_disabled does not turn off for the port, and whose result
// some filter chain matches on. Safe for concurrent use.
func (l *Listener) Inspect(dstPort uint16) (tls, http bool) {
	f, m := &l.ListenerFilters, l.match
	if m == nil {
		return false, false
	}
	tls = f.TLSInspector && (m.usesSNI || m.usesTransport || m.usesALPN) && !f.tlsOff.holds(dstPort)
	http = f.HTTPInspector && m.usesALPN && !f.httpOff.holds(dstPort)
	return tls, http
}

func (p portPredicate) holds(port uint16) bool { return p != nil && p(port) }

// listenerFilters translates listener_filters and their timeout settings.
func listenerFilters(probs *problems, l *listenerv3.Listener) ListenerFilters {
	out := ListenerFilters{Timeout: DefaultListenerFiltersTimeout,
		ContinueOnTimeout: l.GetContinueOnListenerFiltersTimeout()}
	if d := l.GetListenerFiltersTimeout(); d != nil {
		out.Timeout, _ = duration(probs, "listener_filters_timeout", d, 0)
	}
	for i, f := range l.GetListenerFilters() {
		path := index("listener_filters", i)
		if f.GetTypedConfig() == nil {
			probs.addf(joinPath(path, "typed_config"), "required")
			continue
		}
		msg, err := anypb.UnmarshalNew(f.GetTypedConfig(), proto.UnmarshalOptions{})
		if err != nil {
			probs.addf(joinPath(path, "typed_config"), "%v", err)
			continue
		}
		off := predicate(probs, joinPath(path, "filter_disabled"), f.GetFilterDisabled())
		switch msg.(type) {
		case *original_dstv3.OriginalDst:
			out.OriginalDst = true
			if off != nil {
				probs.addf(joinPath(path, "filter_disabled"), "%w on original_dst", ErrUnsupported)
			}
		case *tls_inspectorv3.TlsInspector:
			out.TLSInspector, out.tlsOff = true, off
		case *http_inspectorv3.HttpInspector:
			out.HTTPInspector, out.httpOff = true, off
		default:
			probs.addf(joinPath(path, "typed_config"), "%s is %w as a listener filter",
				msg.ProtoReflect().Descriptor().FullName(), ErrUnsupported)
		}
	}
	return out
}

// predicate compiles a ListenerFilterChainMatchPredicate on the destination port; nil for none.
func predicate(probs *problems, path string, p *listenerv3.ListenerFilterChainMatchPredicate) portPredicate {
	if p == nil {
		return nil
	}
	switch r := p.GetRule().(type) {
	case *listenerv3.ListenerFilterChainMatchPredicate_AnyMatch:
		return func(uint16) bool { return r.AnyMatch }
	case *listenerv3.ListenerFilterChainMatchPredicate_DestinationPortRange:
		lo, hi := r.DestinationPortRange.GetStart(), r.DestinationPortRange.GetEnd()
		return func(port uint16) bool { return int32(port) >= lo && int32(port) < hi }
	case *listenerv3.ListenerFilterChainMatchPredicate_NotMatch:
		inner := predicate(probs, joinPath(path, "not_match"), r.NotMatch)
		return func(port uint16) bool { return !inner.holds(port) }
	case *listenerv3.ListenerFilterChainMatchPredicate_OrMatch:
		ps := predicates(probs, joinPath(path, "or_match.rules"), r.OrMatch.GetRules())
		return func(port uint16) bool {
			for _, p := range ps {
				if p.holds(port) {
					return true
				}
			}
			return false
		}
	case *listenerv3.ListenerFilterChainMatchPredicate_AndMatch:
		ps := predicates(probs, joinPath(path, "and_match.rules"), r.AndMatch.GetRules())
		return func(port uint16) bool {
			for _, p := range ps {
				if !p.holds(port) {
					return false
				}
			}
			return true
		}
	}
	probs.addf(path, "a rule is required")
	return nil
}

func predicates(probs *problems, path string, rules []*listenerv3.ListenerFilterChainMatchPredicate) []portPredicate {
	out := make([]portPredicate, len(rules))
	for i, r := range rules {
		out[i] = predicate(probs, index(path, i), r)
	}
	return out
}

// matchProtocols translates the filter_chain_match fields that listener filters feed.
func matchProtocols(probs *problems, path string, m *listenerv3.FilterChainMatch, out *ChainMatch) {
	switch tp := m.GetTransportProtocol(); tp {
	case "", TransportRaw, TransportTLS:
		out.TransportProtocol = tp
	default:
		probs.addf(joinPath(path, "transport_protocol"), "%q %w (raw_buffer or tls)", tp, ErrUnsupported)
	}
	for i, n := range m.GetServerNames() {
		n = strings.ToLower(n)
		if n == "" || strings.Contains(n[1:], "*") || (n[0] == '*' && !strings.HasPrefix(n, "*.")) {
			probs.addf(index(joinPath(path, "server_names"), i), "%q is not a server name or a *. wildcard", n)
			continue
		}
		out.ServerNames = append(out.ServerNames, n)
	}
	for i, a := range m.GetApplicationProtocols() {
		if a == "" {
			probs.addf(index(joinPath(path, "application_protocols"), i), "empty")
			continue
		}
		out.ApplicationProtocols = append(out.ApplicationProtocols, a)
	}
}

// chainTransport reads a filter chain's transport_socket: raw_buffer (the default) or tls, which
// makes the chain unusable until Skiff terminates TLS. It reports whether the chain needs TLS.
func chainTransport(probs *problems, path string, ts *corev3.TransportSocket) bool {
	if ts == nil {
		return false
	}
	if ts.GetTypedConfig() == nil {
		probs.addf(joinPath(path, "typed_config"), "required")
		return false
	}
	msg, err := anypb.UnmarshalNew(ts.GetTypedConfig(), proto.UnmarshalOptions{})
	if err != nil {
		probs.addf(joinPath(path, "typed_config"), "%v", err)
		return false
	}
	switch msg.(type) {
	case *rawv3.RawBuffer:
		return false
	case *tlsv3.DownstreamTlsContext:
		return true
	}
	probs.addf(joinPath(path, "typed_config"), "%s is %w as a transport socket",
		msg.ProtoReflect().Descriptor().FullName(), ErrUnsupported)
	return false
}

// telemetryTypes are the filter configs that only add telemetry (Istio's peer metadata exchange,
// stats and ALPN override, Envoy's gRPC stats), by type URL; they may also come wrapped in a
// TypedStruct. Skiff leaves them out of the chain and counts them. Keep this list short: a
// filter that changes what happens to traffic must never be here.
var telemetryTypes = map[string]bool{
	"type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange":           true, // istio.metadata_exchange (network)
	"type.googleapis.com/io.istio.http.peer_metadata.Config":                           true, // istio.metadata_exchange (HTTP)
	"type.googleapis.com/stats.PluginConfig":                                           true, // istio.stats (network and HTTP)
	"type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig":    true, // istio.alpn (upstream TLS ALPN only)
	"type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig":     true, // envoy.filters.http.grpc_stats
	"type.googleapis.com/envoy.extensions.filters.network.metadata_exchange.v3.Config": true, // envoy.filters.network.metadata_exchange
}

// telemetryFilter reports whether a filter with this name and typed_config is telemetry-only,
// and describes it ("name (type URL)") for the warning.
func telemetryFilter(name string, tc *anypb.Any) (string, bool) {
	url := tc.GetTypeUrl()
	if inner, ok := typedStructURL(tc); ok {
		url = inner
	}
	if !telemetryTypes[url] {
		return "", false
	}
	return fmt.Sprintf("%s (%s)", name, url), true
}

// typedStructURL returns the type_url a TypedStruct carries, if tc holds one.
func typedStructURL(tc *anypb.Any) (string, bool) {
	var ts interface{ GetTypeUrl() string }
	switch tc.GetTypeUrl() {
	case "type.googleapis.com/udpa.type.v1.TypedStruct":
		ts = &udpav1.TypedStruct{}
	case "type.googleapis.com/xds.type.v3.TypedStruct":
		ts = &xdsv3.TypedStruct{}
	default:
		return "", false
	}
	if err := tc.UnmarshalTo(ts.(proto.Message)); err != nil {
		return "", false
	}
	return ts.GetTypeUrl(), true
}

// skipTelemetry tells the walker to accept a network or HTTP filter that is telemetry-only
// without looking inside it (its config type is usually not even known to Skiff).
func skipTelemetry(m protoreflect.Message) bool {
	switch f := m.Interface().(type) {
	case *listenerv3.Filter:
		_, ok := telemetryFilter(f.GetName(), f.GetTypedConfig())
		return ok
	case *hcmv3.HttpFilter:
		_, ok := telemetryFilter(f.GetName(), f.GetTypedConfig())
		return ok
	}
	return false
}

// SkippedFilters lists the telemetry-only filters left out of the listener's chains (network
// filters and HTTP filters), one "chain: path name (type)" line each, for a warning and a counter.
func (l *Listener) SkippedFilters() []string {
	var out []string
	chains := l.FilterChains
	if l.DefaultChain != nil {
		chains = append(chains[:len(chains):len(chains)], l.DefaultChain)
	}
	for _, c := range chains {
		for _, s := range c.Skipped {
			out = append(out, fmt.Sprintf("filter chain %q: %s", c.Name, s))
		}
		if c.HTTP == nil || c.HTTP.Source == nil {
			continue
		}
		for i, f := range c.HTTP.Source.GetHttpFilters() {
			if s, ok := telemetryFilter(f.GetName(), f.GetTypedConfig()); ok {
				out = append(out, fmt.Sprintf("filter chain %q: http_filters[%d] %s", c.Name, i, s))
			}
		}
	}
	return out
}
