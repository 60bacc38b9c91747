package upstream

import (
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// ep is one endpoint of a test cluster: an address (IP or hostname), a
// port, a load-balancing weight (0 leaves it unset) and a locality priority.
type ep struct {
	addr   string
	port   uint32
	weight uint32
	prio   uint32
}

// clusterProto builds an Envoy Cluster named name with eps, one locality
// per endpoint so each can carry its own priority; edit changes the result.
func clusterProto(name string, eps []ep, edit ...func(*clusterv3.Cluster)) *clusterv3.Cluster {
	la := &endpointv3.ClusterLoadAssignment{ClusterName: name}
	for _, e := range eps {
		lb := &endpointv3.LbEndpoint{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{
			Endpoint: &endpointv3.Endpoint{Address: &corev3.Address{Address: &corev3.Address_SocketAddress{
				SocketAddress: &corev3.SocketAddress{
					Address:       e.addr,
					PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: e.port},
				},
			}}},
		}}
		if e.weight != 0 {
			lb.LoadBalancingWeight = wrapperspb.UInt32(e.weight)
		}
		la.Endpoints = append(la.Endpoints, &endpointv3.LocalityLbEndpoints{
			Priority: e.prio, LbEndpoints: []*endpointv3.LbEndpoint{lb},
		})
	}
	c := &clusterv3.Cluster{
		Name:                 name,
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC},
		ConnectTimeout:       durationpb.New(time.Second),
		LoadAssignment:       la,
	}
	for _, f := range edit {
		f(c)
	}
	return c
}

// withPolicy sets lb_policy.
func withPolicy(p clusterv3.Cluster_LbPolicy) func(*clusterv3.Cluster) {
	return func(c *clusterv3.Cluster) { c.LbPolicy = p }
}

// withChoices sets least_request_lb_config.choice_count.
func withChoices(n uint32) func(*clusterv3.Cluster) {
	return func(c *clusterv3.Cluster) {
		c.LbConfig = &clusterv3.Cluster_LeastRequestLbConfig_{
			LeastRequestLbConfig: &clusterv3.Cluster_LeastRequestLbConfig{ChoiceCount: wrapperspb.UInt32(n)},
		}
	}
}

// withMaxConnections sets the DEFAULT priority's max_connections.
func withMaxConnections(n uint32) func(*clusterv3.Cluster) {
	return func(c *clusterv3.Cluster) {
		c.CircuitBreakers = &clusterv3.CircuitBreakers{Thresholds: []*clusterv3.CircuitBreakers_Thresholds{
			{MaxConnections: wrapperspb.UInt32(n)},
		}}
	}
}

// withStrictDNS makes the cluster STRICT_DNS with the given refresh rate and
// lookup family.
func withStrictDNS(refresh time.Duration, fam clusterv3.Cluster_DnsLookupFamily) func(*clusterv3.Cluster) {
	return func(c *clusterv3.Cluster) {
		c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STRICT_DNS}
		c.DnsRefreshRate = durationpb.New(refresh)
		c.DnsLookupFamily = fam
	}
}

// translate runs the real translator over c.
func translate(t testing.TB, c *clusterv3.Cluster) *config.Cluster {
	t.Helper()
	cfg, err := config.TranslateCluster(c)
	if err != nil {
		t.Fatalf("translate cluster %q: %v", c.GetName(), err)
	}
	return cfg
}

// newTestManager makes a manager with its own stats store, stopped when the
// test ends.
func newTestManager(t testing.TB, opts ManagerOptions) *Manager {
	t.Helper()
	if opts.Stats == nil {
		opts.Stats = stats.NewStore(opts.Loops)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := NewManager(opts)
	t.Cleanup(m.Stop)
	return m
}

// applyOne applies a single cluster to a fresh manager with loops loops and
// returns its runtime.
func applyOne(t testing.TB, loops int, c *clusterv3.Cluster) *Cluster {
	t.Helper()
	m := newTestManager(t, ManagerOptions{Loops: loops})
	m.Apply([]*config.Cluster{translate(t, c)})
	cl := m.Get(c.GetName())
	if cl == nil {
		t.Fatalf("cluster %q missing after Apply", c.GetName())
	}
	return cl
}

// hostAddrs returns the sorted addresses (without ports) of hosts.
func hostAddrs(hosts []*Host) []string {
	out := make([]string, 0, len(hosts))
	for _, h := range hosts {
		out = append(out, h.Addr().Addr().String())
	}
	slices.Sort(out)
	return out
}

// hostByAddr returns the host with IP addr, or nil.
func hostByAddr(hosts []*Host, addr string) *Host {
	want := netip.MustParseAddr(addr)
	for _, h := range hosts {
		if h.Addr().Addr() == want {
			return h
		}
	}
	return nil
}

// eventually polls cond until it holds or 5 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// counterValue reads a counter that must exist.
func counterValue(t testing.TB, s *stats.Store, name string) uint64 {
	t.Helper()
	v, ok := s.CounterValue(name)
	if !ok {
		t.Fatalf("no counter %q", name)
	}
	return v
}

// gaugeValue reads a gauge that must exist.
func gaugeValue(t testing.TB, s *stats.Store, name string) int64 {
	t.Helper()
	v, ok := s.GaugeValue(name)
	if !ok {
		t.Fatalf("no gauge %q", name)
	}
	return v
}
