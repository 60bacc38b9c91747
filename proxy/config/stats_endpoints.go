package config

import (
	"net/netip"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Compact endpoints.
//
// A cluster with hundreds of thousands of endpoints must not keep a few hundred bytes of protos per
// endpoint after translation. CompactSnapshot therefore replaces the Source of every STATIC
// cluster whose endpoints can be rebuilt exactly from Endpoints (plain socket addresses, optional
// hostname and weight, one locality per priority) by a copy without load_assignment's
// lb_endpoints, and the snapshot's Bootstrap by a copy that refers to those Sources.
// DumpSource and DumpBootstrap put the endpoints back for /config_dump.
//
// Field names of the messages involved, for protoreflect.
const (
	fieldLoadAssignment  protoreflect.Name = "load_assignment"
	fieldLbEndpoints     protoreflect.Name = "lb_endpoints"
	fieldStaticResources protoreflect.Name = "static_resources"
	fieldClusters        protoreflect.Name = "clusters"
)

// CompactSnapshot drops per-endpoint protos from the snapshot's retained Sources and Bootstrap
// (see above). Translate calls it; a snapshot built another way may call it once before it is
// published. It does not modify the protos it was translated from.
func CompactSnapshot(s *Snapshot) {
	stripped := false
	srcs := make([]*clusterv3.Cluster, len(s.Clusters))
	for i, c := range s.Clusters {
		srcs[i] = compactSource(c)
	}
	// What is kept is copied in a pass of its own, so that it lies together rather than between
	// the translation's garbage, where each piece would keep a page resident.
	for i, c := range s.Clusters {
		cp := *c
		if srcs[i] != c.Source {
			cp.Source = freshCopy(srcs[i])
			cp.Name, stripped = cp.Source.GetName(), true
		}
		s.Clusters[i] = &cp
	}
	if !stripped || s.Bootstrap == nil || len(s.Bootstrap.GetStaticResources().GetClusters()) != len(s.Clusters) {
		return
	}
	sources := make([]*clusterv3.Cluster, len(s.Clusters))
	for i, c := range s.Clusters {
		sources[i] = c.Source
	}
	s.Bootstrap = withClusters(s.Bootstrap, sources)
}

// compactSource returns a shallow copy of c.Source without lb_endpoints if they can be rebuilt
// from c.Endpoints, else c.Source.
func compactSource(c *Cluster) *clusterv3.Cluster {
	la := c.Source.GetLoadAssignment()
	if c.Type != Static || len(c.Endpoints) == 0 || !rebuildable(la) {
		return c.Source
	}
	locs := make([]*endpointv3.LocalityLbEndpoints, len(la.GetEndpoints()))
	for i, loc := range la.GetEndpoints() {
		locs[i] = shallowCopy(loc, fieldLbEndpoints)
	}
	la2 := shallowCopy(la, "")
	la2.Endpoints = locs
	src := shallowCopy(c.Source, "")
	src.LoadAssignment = la2
	return src
}

// rebuildable reports whether every lb_endpoint of la is plain (only endpoint.address.
// socket_address.{address,port_value}, endpoint.hostname and a weight other than 1, with the
// address in canonical form) and every locality has endpoints and a priority of its own.
func rebuildable(la *endpointv3.ClusterLoadAssignment) bool {
	prios := map[uint32]bool{}
	for _, loc := range la.GetEndpoints() {
		if len(loc.GetLbEndpoints()) == 0 || prios[loc.GetPriority()] {
			return false
		}
		prios[loc.GetPriority()] = true
		for _, lb := range loc.GetLbEndpoints() {
			if !plainLbEndpoint(lb) {
				return false
			}
		}
	}
	return len(prios) > 0
}

// plainLbEndpoint reports whether lb is exactly what dumpLbEndpoint makes from its translation.
func plainLbEndpoint(lb *endpointv3.LbEndpoint) bool {
	ep := lb.GetEndpoint()
	sa := ep.GetAddress().GetSocketAddress()
	if sa == nil || !onlyFields(lb.ProtoReflect(), "endpoint", "load_balancing_weight") ||
		!onlyFields(ep.ProtoReflect(), "address", "hostname") ||
		!onlyFields(ep.GetAddress().ProtoReflect(), "socket_address", "") ||
		!onlyFields(sa.ProtoReflect(), "address", "port_value") {
		return false
	}
	if w := lb.GetLoadBalancingWeight(); w != nil && w.GetValue() == 1 {
		return false
	}
	ip, err := netip.ParseAddr(sa.GetAddress())
	var buf [64]byte
	return err == nil && string(ip.AppendTo(buf[:0])) == sa.GetAddress()
}

// onlyFields reports whether m has no unknown fields and no populated field other than a and b.
// It does not allocate: it runs for every endpoint.
func onlyFields(m protoreflect.Message, a, b protoreflect.Name) bool {
	if len(m.GetUnknown()) > 0 {
		return false
	}
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if n := fd.Name(); n != a && n != b && m.Has(fd) {
			return false
		}
	}
	return true
}

// shallowCopy returns a new message with m's fields (sharing their values) except skip.
func shallowCopy[M proto.Message](m M, skip protoreflect.Name) M {
	src := m.ProtoReflect()
	dst := src.New()
	src.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Name() != skip {
			dst.Set(fd, v)
		}
		return true
	})
	dst.SetUnknown(src.GetUnknown())
	return dst.Interface().(M)
}

// withClusters returns a copy of b whose static_resources.clusters are clusters.
func withClusters(b *bootstrapv3.Bootstrap, clusters []*clusterv3.Cluster) *bootstrapv3.Bootstrap {
	sr := shallowCopy(b.GetStaticResources(), fieldClusters)
	sr.Clusters = clusters
	out := shallowCopy(b, fieldStaticResources)
	out.StaticResources = sr
	return out
}

// DumpSource returns the cluster's Source with the endpoints eps (the cluster's hosts, in config
// order) put back if CompactSnapshot removed them; otherwise Source itself.
func (c *Cluster) DumpSource(eps []Endpoint) *clusterv3.Cluster {
	la := c.Source.GetLoadAssignment()
	if !stripped(la) || len(eps) == 0 {
		return c.Source
	}
	locs := make([]*endpointv3.LocalityLbEndpoints, len(la.GetEndpoints()))
	for i, loc := range la.GetEndpoints() {
		l := shallowCopy(loc, fieldLbEndpoints)
		for _, ep := range eps {
			if ep.Priority == loc.GetPriority() {
				l.LbEndpoints = append(l.LbEndpoints, dumpLbEndpoint(ep))
			}
		}
		locs[i] = l
	}
	la2 := shallowCopy(la, "")
	la2.Endpoints = locs
	src := shallowCopy(c.Source, "")
	src.LoadAssignment = la2
	return src
}

// stripped reports whether la is a load assignment whose lb_endpoints CompactSnapshot removed:
// it has localities and none of them has endpoints.
func stripped(la *endpointv3.ClusterLoadAssignment) bool {
	for _, loc := range la.GetEndpoints() {
		if len(loc.GetLbEndpoints()) > 0 {
			return false
		}
	}
	return len(la.GetEndpoints()) > 0
}

// dumpLbEndpoint rebuilds the lb_endpoints entry ep was translated from.
func dumpLbEndpoint(ep Endpoint) *endpointv3.LbEndpoint {
	lb := &endpointv3.LbEndpoint{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
		Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
			Address: ep.Address, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: ep.Port},
		}}},
		Hostname: ep.Hostname,
	}}}
	if ep.Weight != 1 {
		lb.LoadBalancingWeight = wrapperspb.UInt32(ep.Weight)
	}
	return lb
}

// DumpBootstrap returns the snapshot's Bootstrap with the static clusters replaced by
// source(name) where it returns non-nil (DumpSource of the cluster's hosts), for /config_dump.
func (s *Snapshot) DumpBootstrap(source func(name string) *clusterv3.Cluster) *bootstrapv3.Bootstrap {
	cs := s.Bootstrap.GetStaticResources().GetClusters()
	out := make([]*clusterv3.Cluster, len(cs))
	changed := false
	for i, c := range cs {
		out[i] = c
		if stripped(c.GetLoadAssignment()) {
			if d := source(c.GetName()); d != nil {
				out[i], changed = d, true
			}
		}
	}
	if !changed {
		return s.Bootstrap
	}
	return withClusters(s.Bootstrap, out)
}

// ReleaseEndpoints sets Endpoints of a STATIC cluster to nil. The upstream manager calls it once it
// has built the cluster's hosts from them (or found it already has equal hosts), so that a
// cluster's endpoints are kept once, as hosts; DumpSource takes them back from the hosts. It is
// the one change made to a Cluster after translation and happens before the snapshot holding it
// is published. Other cluster types keep their endpoints (STRICT_DNS resolves them again).
func (c *Cluster) ReleaseEndpoints() {
	if c.Type == Static {
		c.Endpoints = nil
	}
}

// EndpointsReleased reports whether ReleaseEndpoints took the endpoints of this STATIC cluster
// (its source has endpoints, the cluster has none left).
func (c *Cluster) EndpointsReleased() bool {
	if c.Type != Static || c.Endpoints != nil {
		return false
	}
	for _, loc := range c.Source.GetLoadAssignment().GetEndpoints() {
		if len(loc.GetLbEndpoints()) > 0 {
			return true
		}
	}
	return stripped(c.Source.GetLoadAssignment())
}

// freshCopy returns a deep copy of m that shares no memory with it, strings included (proto.Clone
// shares strings). A Source kept after translation is small, but its strings (the cluster name
// among them) were allocated while the bootstrap was decoded, each between hundreds of endpoint
// protos that die with the bootstrap; the Go collector does not move objects, so each such
// string would keep a mostly empty span resident. The copy is encoded and decoded again, which
// allocates everything afresh, next to the rest of what CompactSnapshot keeps.
func freshCopy(m *clusterv3.Cluster) *clusterv3.Cluster {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err == nil {
		out := &clusterv3.Cluster{}
		if err = proto.Unmarshal(b, out); err == nil {
			return out
		}
	}
	return proto.Clone(m).(*clusterv3.Cluster) // not expected: m was decoded from the same schema
}
