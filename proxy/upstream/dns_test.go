package upstream

import (
	"context"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

const (
	dualName = "dual.skiff.test"
	v4Name   = "v4.skiff.test"
	v6Name   = "v6.skiff.test"
	// slowRefresh keeps a cluster at its first resolution for a test's life.
	slowRefresh = time.Minute
	fastRefresh = 5 * time.Millisecond
)

// dnsFixture is a DNS server and a manager that resolves through it.
type dnsFixture struct {
	dns   *dnsServer
	store *stats.Store
	m     *Manager
}

func newDNSFixture(t *testing.T) *dnsFixture {
	t.Helper()
	dns := startDNS(t)
	store := stats.NewStore(1)
	m := newTestManager(t, ManagerOptions{Stats: store, Loops: 1, Resolver: dns.resolver(), HostStats: true})
	return &dnsFixture{dns: dns, store: store, m: m}
}

// apply starts a STRICT_DNS cluster named name over eps.
func (f *dnsFixture) apply(t *testing.T, name string, eps []ep, refresh time.Duration,
	fam clusterv3.Cluster_DnsLookupFamily) *Cluster {
	t.Helper()
	f.m.Apply([]*config.Cluster{translate(t, clusterProto(name, eps, withStrictDNS(refresh, fam)))})
	return f.m.Get(name)
}

func waitReady(t *testing.T, c *Cluster) {
	t.Helper()
	select {
	case <-c.Ready():
	case <-time.After(5 * time.Second):
		t.Fatalf("cluster %q not ready", c.Name())
	}
}

func TestStrictDNSReady(t *testing.T) {
	f := newDNSFixture(t)
	f.dns.set(v4Name, "10.1.0.1", "10.1.0.2", "10.1.0.3")
	c := f.apply(t, "svc", []ep{{addr: v4Name, port: 8080, weight: 2}}, slowRefresh, clusterv3.Cluster_V4_ONLY)
	waitReady(t, c)
	hosts := c.Hosts()
	if got, want := hostAddrs(hosts), []string{"10.1.0.1", "10.1.0.2", "10.1.0.3"}; !slices.Equal(got, want) {
		t.Fatalf("hosts %v, want %v", got, want)
	}
	for _, h := range hosts {
		if h.Addr().Port() != 8080 || h.Hostname() != v4Name || h.Weight() != 2 || h.Stats() == nil {
			t.Errorf("host %s: port %d hostname %q weight %d stats %v", h.Addr(), h.Addr().Port(), h.Hostname(), h.Weight(), h.Stats())
		}
	}
	if got := gaugeValue(t, f.store, "cluster.svc.membership_total"); got != 3 {
		t.Errorf("membership_total = %d, want 3", got)
	}
	if got := counterValue(t, f.store, "cluster.svc.update_success"); got != 1 {
		t.Errorf("update_success = %d, want 1", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := f.m.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestStrictDNSRefreshKeepsHosts(t *testing.T) {
	f := newDNSFixture(t)
	f.dns.set(v4Name, "10.1.0.1", "10.1.0.2")
	c := f.apply(t, "svc", []ep{{addr: v4Name, port: 80}}, fastRefresh, clusterv3.Cluster_V4_ONLY)
	waitReady(t, c)
	stay := hostByAddr(c.Hosts(), "10.1.0.2")
	if stay == nil {
		t.Fatalf("hosts %v lack 10.1.0.2", hostAddrs(c.Hosts()))
	}
	stay.ConnOpened()

	f.dns.set(v4Name, "10.1.0.2", "10.1.0.3")
	want := []string{"10.1.0.2", "10.1.0.3"}
	eventually(t, "hosts to follow the new answer", func() bool {
		return slices.Equal(hostAddrs(c.Hosts()), want)
	})
	if got := hostByAddr(c.Hosts(), "10.1.0.2"); got != stay {
		t.Fatal("the host of an address that stayed was replaced")
	}
	if stay.ActiveConnections() != 1 || stay.Stats().CxTotal.Load() != 1 {
		t.Fatal("the kept host lost its gauges or counters")
	}
	if counterValue(t, f.store, "cluster.svc.update_success") < 2 {
		t.Fatal("update_success did not count the refresh")
	}
	if counterValue(t, f.store, "cluster.svc.update_failure") != 0 {
		t.Fatal("update_failure counted with a healthy server")
	}
}

func TestStrictDNSLookupFamily(t *testing.T) {
	f := newDNSFixture(t)
	f.dns.set(dualName, "10.2.0.1", "fd00::1", "fd00::2")
	f.dns.set(v4Name, "10.2.0.1")
	f.dns.set(v6Name, "fd00::1")
	tests := []struct {
		fam  clusterv3.Cluster_DnsLookupFamily
		name string
		want []string
	}{
		{clusterv3.Cluster_V4_ONLY, dualName, []string{"10.2.0.1"}},
		{clusterv3.Cluster_V6_ONLY, dualName, []string{"fd00::1", "fd00::2"}},
		{clusterv3.Cluster_AUTO, dualName, []string{"fd00::1", "fd00::2"}},
		{clusterv3.Cluster_AUTO, v4Name, []string{"10.2.0.1"}},
		{clusterv3.Cluster_V4_PREFERRED, dualName, []string{"10.2.0.1"}},
		{clusterv3.Cluster_V4_PREFERRED, v6Name, []string{"fd00::1"}},
		{clusterv3.Cluster_ALL, dualName, []string{"10.2.0.1", "fd00::1", "fd00::2"}},
		{clusterv3.Cluster_ALL, v4Name, []string{"10.2.0.1"}},
		{clusterv3.Cluster_V4_ONLY, "10.9.9.9", []string{"10.9.9.9"}}, // an IP literal resolves to itself
	}
	for _, tt := range tests {
		t.Run(tt.fam.String()+"/"+tt.name, func(t *testing.T) {
			c := f.apply(t, "fam", []ep{{addr: tt.name, port: 53}}, slowRefresh, tt.fam)
			waitReady(t, c)
			if got := hostAddrs(c.Hosts()); !slices.Equal(got, tt.want) {
				t.Fatalf("hosts %v, want %v", got, tt.want)
			}
		})
	}
}

// A name that does not resolve counts update_failure; the cluster stays not
// ready until a first answer, and later failures keep the endpoint's hosts.
func TestStrictDNSFailures(t *testing.T) {
	f := newDNSFixture(t)
	f.dns.set(dualName, "10.3.0.1")
	c := f.apply(t, "svc", []ep{{addr: v4Name, port: 80}, {addr: dualName, port: 81}},
		fastRefresh, clusterv3.Cluster_V4_ONLY)
	failures := func() uint64 { return counterValue(t, f.store, "cluster.svc.update_failure") }

	eventually(t, "a failed update", func() bool { return failures() >= 2 })
	select {
	case <-c.Ready():
		// The endpoint that resolves is enough to make the cluster ready.
	default:
		t.Fatal("cluster not ready although one endpoint resolves")
	}
	if got := hostAddrs(c.Hosts()); !slices.Equal(got, []string{"10.3.0.1"}) {
		t.Fatalf("hosts %v, want [10.3.0.1]", got)
	}

	f.dns.set(v4Name, "10.3.0.2")
	eventually(t, "the second endpoint to resolve", func() bool { return len(c.Hosts()) == 2 })
	kept := hostByAddr(c.Hosts(), "10.3.0.2")
	success := counterValue(t, f.store, "cluster.svc.update_success")
	if success == 0 {
		t.Fatal("update_success = 0 after a full answer")
	}

	f.dns.remove(v4Name)
	before := failures()
	eventually(t, "failures to be counted again", func() bool { return failures() >= before+2 })
	if got := hostByAddr(c.Hosts(), "10.3.0.2"); got != kept {
		t.Fatalf("a failed lookup dropped the endpoint's host: hosts %v", hostAddrs(c.Hosts()))
	}
	if attempts := counterValue(t, f.store, "cluster.svc.update_attempt"); attempts < failures()+success {
		t.Fatalf("update_attempt %d < failures %d + successes %d", attempts, failures(), success)
	}
}

// A cluster whose only name never resolves is not ready and WaitReady says
// which one; it becomes ready once the name resolves.
func TestStrictDNSNotReadyUntilFirstAnswer(t *testing.T) {
	f := newDNSFixture(t)
	c := f.apply(t, "late", []ep{{addr: v4Name, port: 80}}, fastRefresh, clusterv3.Cluster_V4_ONLY)
	eventually(t, "a failed update", func() bool {
		return counterValue(t, f.store, "cluster.late.update_failure") >= 1
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := f.m.WaitReady(ctx); err == nil {
		t.Fatal("WaitReady succeeded before any answer")
	}
	if len(c.Hosts()) != 0 || c.Pick(0) != nil {
		t.Fatal("a cluster with no answer has hosts")
	}
	f.dns.set(v4Name, "10.4.0.1")
	waitReady(t, c)
	if got := hostAddrs(c.Hosts()); !slices.Equal(got, []string{"10.4.0.1"}) {
		t.Fatalf("hosts %v, want [10.4.0.1]", got)
	}
}

// recordingResolver passes lookups on and keeps the context of the last.
type recordingResolver struct {
	Resolver
	mu  sync.Mutex
	ctx context.Context
}

func (r *recordingResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	r.ctx = ctx
	r.mu.Unlock()
	return r.Resolver.LookupNetIP(ctx, network, host)
}

// A STRICT_DNS cluster that is removed or replaced stops resolving: the
// context of its lookups ends.
func TestStrictDNSStopsWhenRemoved(t *testing.T) {
	tests := []struct {
		name string
		next func(t *testing.T) []*config.Cluster
	}{
		{"removed", func(*testing.T) []*config.Cluster { return nil }},
		{"replaced", func(t *testing.T) []*config.Cluster {
			return []*config.Cluster{translate(t, clusterProto("gone", []ep{{addr: "10.5.0.9", port: 80}}))}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dns := startDNS(t)
			dns.set(v4Name, "10.5.0.1")
			rec := &recordingResolver{Resolver: dns.resolver()}
			m := newTestManager(t, ManagerOptions{Loops: 1, Resolver: rec})
			m.Apply([]*config.Cluster{translate(t, clusterProto("gone", []ep{{addr: v4Name, port: 80}},
				withStrictDNS(slowRefresh, clusterv3.Cluster_V4_ONLY)))})
			waitReady(t, m.Get("gone"))
			m.Apply(tt.next(t))
			rec.mu.Lock()
			ctx := rec.ctx
			rec.mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("the resolution context of the old cluster is still live")
			}
		})
	}
}
