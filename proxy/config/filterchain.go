package config

import (
	"net/netip"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tcpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// FilterChain is a translated filter chain: the network filters that serve a connection.
type FilterChain struct {
	// Name is the chain's name (may be empty).
	Name string
	// Match is the chain's filter_chain_match; the zero value matches every connection.
	Match ChainMatch
	// TCPProxy is the tcp_proxy filter; exactly one of TCPProxy and HTTP is set.
	TCPProxy *TCPProxy
	// HTTP is the http_connection_manager filter.
	HTTP *HTTPConnectionManager
	// Dubbo is the dubbo_proxy filter (one of TCPProxy, HTTP and Dubbo is set).
	Dubbo *DubboProxy
	// RequiresTLS says the chain's transport_socket is envoy.transport_sockets.tls, which Skiff
	// does not implement yet: a connection that selects this chain is refused (istio.go).
	RequiresTLS bool
	// Skipped lists the telemetry-only network filters left out of the chain (istio.go), as
	// "path name (type)"; they are counted and logged when the listener is applied.
	Skipped []string
}

// ChainMatch is a translated filter_chain_match. Empty fields match anything.
type ChainMatch struct {
	// DestinationPort is the local (original destination) port to match; 0 = any.
	DestinationPort uint16
	// PrefixRanges are the local addresses to match (masked prefixes).
	PrefixRanges []netip.Prefix
	// SourcePrefixRanges are the peer addresses to match (masked prefixes).
	SourcePrefixRanges []netip.Prefix
	// SourcePorts are the peer ports to match.
	SourcePorts []uint16
	// ServerNames are the SNI names to match, lower case; "*.example.com" is a wildcard.
	ServerNames []string
	// TransportProtocol is "raw_buffer" or "tls" (detected by tls_inspector); "" = any.
	TransportProtocol string
	// ApplicationProtocols are ALPN values (from tls_inspector) or http_inspector's result.
	ApplicationProtocols []string
}

// translateFilterChain translates one filter chain at path.
func translateFilterChain(probs *problems, path string, fc *listenerv3.FilterChain) *FilterChain {
	out := &FilterChain{Name: fc.GetName()}
	out.Match = translateMatch(probs, joinPath(path, "filter_chain_match"), fc.GetFilterChainMatch())
	out.RequiresTLS = chainTransport(probs, joinPath(path, "transport_socket"), fc.GetTransportSocket())
	filters := fc.GetFilters()
	terminal := false
	for i, f := range filters {
		fpath := index(joinPath(path, "filters"), i)
		if skip, ok := telemetryFilter(f.GetName(), f.GetTypedConfig()); ok {
			out.Skipped = append(out.Skipped, index("filters", i)+" "+skip)
			continue
		}
		if terminal {
			probs.addf(fpath, "%w after a terminal filter (only telemetry filters Skiff skips may come before it)", ErrUnsupported)
			continue
		}
		terminal = true
		networkFilter(probs, fpath, f, out)
	}
	if !terminal {
		probs.addf(joinPath(path, "filters"), "a network filter is required")
	}
	return out
}

// networkFilter translates one network filter: a tcp_proxy or an http_connection_manager.
func networkFilter(probs *problems, path string, f *listenerv3.Filter, out *FilterChain) {
	tc := f.GetTypedConfig()
	if tc == nil {
		probs.addf(joinPath(path, "typed_config"), "required")
		return
	}
	msg, err := anypb.UnmarshalNew(tc, proto.UnmarshalOptions{})
	if err != nil {
		probs.addf(joinPath(path, "typed_config"), "%v", err)
		return
	}
	switch m := msg.(type) {
	case *tcpv3.TcpProxy:
		out.TCPProxy = translateTCPProxy(probs, joinPath(path, "typed_config"), m)
	case *hcmv3.HttpConnectionManager:
		out.HTTP = translateHCM(probs, joinPath(path, "typed_config"), m)
	case *dubbov3.DubboProxy:
		out.Dubbo = translateDubbo(probs, joinPath(path, "typed_config"), m)
	default:
		probs.addf(joinPath(path, "typed_config"), "%s is %w as a network filter", msg.ProtoReflect().Descriptor().FullName(), ErrUnsupported)
	}
}

// translateMatch translates filter_chain_match at path; nil matches everything.
func translateMatch(probs *problems, path string, m *listenerv3.FilterChainMatch) ChainMatch {
	var out ChainMatch
	if m == nil {
		return out
	}
	if p := m.GetDestinationPort(); p != nil {
		out.DestinationPort, _ = checkPort(probs, joinPath(path, "destination_port"), p.GetValue(), needPort)
	}
	out.PrefixRanges = prefixes(probs, joinPath(path, "prefix_ranges"), m.GetPrefixRanges())
	out.SourcePrefixRanges = prefixes(probs, joinPath(path, "source_prefix_ranges"), m.GetSourcePrefixRanges())
	for i, p := range m.GetSourcePorts() {
		port, _ := checkPort(probs, index(joinPath(path, "source_ports"), i), p, needPort)
		out.SourcePorts = append(out.SourcePorts, port)
	}
	matchProtocols(probs, path, m, &out)
	return out
}

// prefixes translates a list of CidrRange into masked prefixes.
func prefixes(probs *problems, path string, ranges []*corev3.CidrRange) []netip.Prefix {
	var out []netip.Prefix
	for i, r := range ranges {
		p, ok := cidr(probs, index(path, i), r)
		if ok {
			out = append(out, p)
		}
	}
	return out
}

// cidr translates one CidrRange; an unset prefix_len is 0, as in Envoy. An IPv4-mapped IPv6 range
// of at least 96 bits becomes the IPv4 range it covers, since Select matches such addresses as IPv4.
func cidr(probs *problems, path string, r *corev3.CidrRange) (netip.Prefix, bool) {
	ip, err := netip.ParseAddr(r.GetAddressPrefix())
	if err != nil || ip.Zone() != "" {
		probs.addf(joinPath(path, "address_prefix"), "%q is not an IP address", r.GetAddressPrefix())
		return netip.Prefix{}, false
	}
	bits := r.GetPrefixLen().GetValue()
	if bits > uint32(ip.BitLen()) {
		probs.addf(joinPath(path, "prefix_len"), "%d is longer than the address (%d bits)", bits, ip.BitLen())
		return netip.Prefix{}, false
	}
	if ip.Is4In6() && bits >= 96 {
		ip, bits = ip.Unmap(), bits-96
	}
	return netip.PrefixFrom(ip, int(bits)).Masked(), true
}
