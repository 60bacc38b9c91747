package config

import (
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// lbMetadataKey is the filter_metadata namespace Envoy's subset load balancer matches on.
const lbMetadataKey = "envoy.lb"

// Endpoint is one upstream host of a cluster.
type Endpoint struct {
	// Address is an IP literal (Static clusters) or a hostname or IP literal to resolve
	// (StrictDNS clusters).
	Address string
	// Port is the TCP port, 1..65535.
	Port uint32
	// Weight is the lb_endpoints[].load_balancing_weight (default 1, at least 1). Locality
	// weights are not applied: Envoy ignores them unless locality_weighted_lb_config is set, which
	// Skiff does not support.
	Weight uint32
	// Priority is the priority of the endpoint's locality (0 is the highest).
	Priority uint32
	// Hostname is endpoint.hostname, if set (used for SNI and Host rewriting, not for connecting).
	Hostname string
	// Metadata holds the scalar values of filter_metadata["envoy.lb"], formatted as strings
	// (numbers without trailing zeros, bools as "true"/"false"); nil when there are none.
	Metadata map[string]string
}

// endpoints flattens a load assignment into endpoints. STATIC clusters need IP addresses.
// Equal metadata maps are shared, and the slice has no spare capacity: a cluster may have hundreds
// of thousands of endpoints.
func endpoints(probs *problems, la *endpointv3.ClusterLoadAssignment, typ ClusterType) []Endpoint {
	n := 0
	for _, loc := range la.GetEndpoints() {
		n += len(loc.GetLbEndpoints())
	}
	out := make([]Endpoint, 0, n)
	shared := metadataSet{}
	for i, loc := range la.GetEndpoints() {
		lpath := index("load_assignment.endpoints", i)
		for j, lb := range loc.GetLbEndpoints() {
			ep, ok := plainEndpoint(lb)
			if !ok {
				ep, ok = endpoint(probs, index(joinPath(lpath, "lb_endpoints"), j), lb, typ)
			}
			if ok {
				ep.Priority = loc.GetPriority()
				ep.Metadata = shared.intern(ep.Metadata)
				out = append(out, ep)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// metadataSet interns metadata maps: endpoints with equal metadata share one map.
type metadataSet map[string]map[string]string

// intern returns the map equal to m seen first (m itself if it is new); nil stays nil.
func (ms metadataSet) intern(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(m[k])
		b.WriteByte(0)
	}
	if old, ok := ms[b.String()]; ok {
		return old
	}
	ms[b.String()] = m
	return m
}

// plainEndpoint translates the common lb_endpoints entry (an IP literal and port, an optional
// hostname and weight, no metadata) without building field paths, which would cost several
// allocations per endpoint; ok is false for anything else, which endpoint then checks in full.
func plainEndpoint(lb *endpointv3.LbEndpoint) (Endpoint, bool) {
	sa := lb.GetEndpoint().GetAddress().GetSocketAddress()
	if sa == nil || sa.GetProtocol() != corev3.SocketAddress_TCP || lb.GetMetadata() != nil {
		return Endpoint{}, false
	}
	if ip, err := netip.ParseAddr(sa.GetAddress()); err != nil || ip.Zone() != "" {
		return Endpoint{}, false
	}
	port := sa.GetPortValue()
	if port < 1 || port > 65535 {
		return Endpoint{}, false
	}
	w := uint32(1)
	if lw := lb.GetLoadBalancingWeight(); lw != nil {
		if w = lw.GetValue(); w == 0 {
			return Endpoint{}, false
		}
	}
	return Endpoint{Address: sa.GetAddress(), Port: port, Weight: w, Hostname: lb.GetEndpoint().GetHostname()}, true
}

// endpoint translates one lb_endpoints entry at path.
func endpoint(probs *problems, path string, lb *endpointv3.LbEndpoint, typ ClusterType) (Endpoint, bool) {
	out := Endpoint{Weight: 1, Hostname: lb.GetEndpoint().GetHostname()}
	if w := lb.GetLoadBalancingWeight(); w != nil {
		out.Weight = w.GetValue()
		if out.Weight == 0 {
			probs.addf(joinPath(path, "load_balancing_weight"), "must be at least 1")
		}
	}
	out.Metadata = lbMetadata(probs, joinPath(path, "metadata"), lb.GetMetadata())
	apath := joinPath(path, "endpoint.address.socket_address")
	sa := lb.GetEndpoint().GetAddress().GetSocketAddress()
	if sa == nil {
		probs.addf(apath, "required")
		return out, false
	}
	if !checkTCP(probs, apath, sa) {
		return out, false
	}
	out.Address = sa.GetAddress()
	if !endpointHost(probs, joinPath(apath, "address"), out.Address, typ) {
		return out, false
	}
	port, ok := checkPort(probs, joinPath(apath, "port_value"), sa.GetPortValue(), needPort)
	out.Port = uint32(port)
	return out, ok
}

// endpointHost checks an endpoint address: an IP literal for Static clusters, a hostname or IP
// literal for StrictDNS clusters.
func endpointHost(probs *problems, path, host string, typ ClusterType) bool {
	ip, err := netip.ParseAddr(host)
	if err == nil && ip.Zone() == "" {
		return true
	}
	if typ == Static {
		probs.addf(path, "%q is not an IP address (a STATIC cluster needs IP addresses)", host)
		return false
	}
	if !validHostname(host) {
		probs.addf(path, "%q is not a valid hostname", host)
		return false
	}
	return true
}

// validHostname accepts DNS names: dot-separated labels of 1..63 letters, digits, '-' or '_'
// (which Kubernetes and SRV-style names use), at most 253 bytes, with an optional final dot.
func validHostname(h string) bool {
	if n := len(h); n > 0 && h[n-1] == '.' {
		h = h[:n-1]
	}
	if len(h) == 0 || len(h) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
		if label++; label > 63 {
			return false
		}
	}
	return label > 0
}

// lbMetadata reads filter_metadata["envoy.lb"]: scalar values as strings, nil when absent.
func lbMetadata(probs *problems, path string, md *corev3.Metadata) map[string]string {
	s := md.GetFilterMetadata()[lbMetadataKey]
	if len(s.GetFields()) == 0 {
		return nil
	}
	out := make(map[string]string, len(s.GetFields()))
	for k, v := range s.GetFields() {
		str, ok := scalarString(v)
		if !ok {
			probs.addf(path+".filter_metadata["+strconv.Quote(lbMetadataKey)+"]."+k,
				"only string, number and bool values are supported")
			continue
		}
		out[k] = str
	}
	return out
}

// scalarString formats a string, number or bool Struct value; false for other kinds.
func scalarString(v *structpb.Value) (string, bool) {
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		return k.StringValue, true
	case *structpb.Value_NumberValue:
		return strconv.FormatFloat(k.NumberValue, 'f', -1, 64), true
	case *structpb.Value_BoolValue:
		return strconv.FormatBool(k.BoolValue), true
	}
	return "", false
}
