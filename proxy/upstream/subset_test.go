package upstream

import (
	"slices"
	"testing"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// subsetHosts are the endpoints of the subset tests: 10.0.0.1..6 with their envoy.lb metadata.
var subsetHosts = []struct {
	addr string
	md   map[string]any
}{
	{"10.0.0.1", map[string]any{"env": "base", "unit": "u1"}},
	{"10.0.0.2", map[string]any{"env": "base", "unit": "u2"}},
	{"10.0.0.3", map[string]any{"env": "feature-x", "unit": "u1"}},
	{"10.0.0.4", map[string]any{"env": "feature-x", "unit": "u2"}},
	{"10.0.0.5", map[string]any{"env": "feature-z"}},
	{"10.0.0.6", nil},
}

// subsetCluster builds a STATIC cluster of subsetHosts with lb_subset_config sc, translated by
// the real translator and applied to a manager with two loops.
func subsetCluster(t testing.TB, sc *clusterv3.Cluster_LbSubsetConfig) *Cluster {
	t.Helper()
	eps := make([]ep, len(subsetHosts))
	for i, h := range subsetHosts {
		eps[i] = ep{addr: h.addr, port: 80}
	}
	return applyOne(t, 2, clusterProto("svc", eps, func(c *clusterv3.Cluster) {
		c.LbSubsetConfig = sc
		for i, loc := range c.LoadAssignment.Endpoints {
			if md := subsetHosts[i].md; md != nil {
				s, err := structpb.NewStruct(md)
				if err != nil {
					t.Fatal(err)
				}
				loc.LbEndpoints[0].Metadata = &corev3.Metadata{FilterMetadata: map[string]*structpb.Struct{"envoy.lb": s}}
			}
		}
	}))
}

// envUnitSubsets is lb_subset_config with selectors [env] and [env, unit] (falling back to the
// env subset), the cluster falling back with policy to the default subset {env: base}.
func envUnitSubsets(policy clusterv3.Cluster_LbSubsetConfig_LbSubsetFallbackPolicy) *clusterv3.Cluster_LbSubsetConfig {
	def, _ := structpb.NewStruct(map[string]any{"env": "base"})
	return &clusterv3.Cluster_LbSubsetConfig{
		FallbackPolicy: policy,
		DefaultSubset:  def,
		SubsetSelectors: []*clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector{
			{Keys: []string{"env"}},
			{
				Keys:               []string{"unit", "env"},
				FallbackPolicy:     clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector_KEYS_SUBSET,
				FallbackKeysSubset: []string{"env"},
			},
			{Keys: []string{"unit"}, FallbackPolicy: clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector_ANY_ENDPOINT},
		},
	}
}

// picks returns the addresses PickSubset picks in n calls on shard 0, sorted and deduplicated.
func picks(c *Cluster, match map[string]string, n int) []string {
	var hosts []*Host
	seen := map[*Host]bool{}
	for range n {
		h := c.PickSubset(0, match)
		if h == nil {
			return nil
		}
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	return hostAddrs(hosts)
}

func TestPickSubset(t *testing.T) {
	all := []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}
	base := []string{"10.0.0.1", "10.0.0.2"}
	tests := []struct {
		name   string
		policy clusterv3.Cluster_LbSubsetConfig_LbSubsetFallbackPolicy
		match  map[string]string
		want   []string // nil: no host
	}{
		{"env subset", clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET, map[string]string{"env": "feature-x"}, []string{"10.0.0.3", "10.0.0.4"}},
		{"empty subset falls back to default", clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET, map[string]string{"env": "feature-y"}, base},
		{"unit routing", clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET, map[string]string{"env": "feature-x", "unit": "u2"}, []string{"10.0.0.4"}},
		{"unknown unit falls back to keys subset", clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK, map[string]string{"env": "feature-x", "unit": "u9"}, []string{"10.0.0.3", "10.0.0.4"}},
		{"keys subset empty then cluster fallback", clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET, map[string]string{"env": "feature-y", "unit": "u9"}, base},
		{"selector any endpoint", clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK, map[string]string{"unit": "u9"}, all},
		{"no selector, default subset", clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET, map[string]string{"zone": "a"}, base},
		{"no selector, any endpoint", clusterv3.Cluster_LbSubsetConfig_ANY_ENDPOINT, map[string]string{"zone": "a"}, all},
		{"no fallback", clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK, map[string]string{"env": "feature-y"}, nil},
		{"no fallback, no selector", clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK, map[string]string{"zone": "a"}, nil},
		{"empty match is Pick", clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK, nil, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := subsetCluster(t, envUnitSubsets(tt.policy))
			got := picks(c, tt.match, 3*len(subsetHosts))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("hosts = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPickSubsetRoundRobin(t *testing.T) {
	c := subsetCluster(t, envUnitSubsets(clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK))
	feature := map[string]string{"env": "feature-x"}
	base := map[string]string{"env": "base"}
	// Interleaved subsets keep their own rotation: each alternates between its two hosts.
	var last [2]*Host
	for i := range 8 {
		for j, m := range []map[string]string{feature, base} {
			h := c.PickSubset(1, m)
			if h == last[j] {
				t.Fatalf("pick %d of %v repeated %s", i, m, h.Addr())
			}
			last[j] = h
		}
	}
}

func TestPickSubsetDefaultSubsetEmpty(t *testing.T) {
	sc := envUnitSubsets(clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET)
	sc.DefaultSubset = nil // every host
	c := subsetCluster(t, sc)
	if got := picks(c, map[string]string{"env": "none"}, 12); len(got) != len(subsetHosts) {
		t.Fatalf("hosts = %v, want all", got)
	}
}

func TestPickSubsetWithoutConfig(t *testing.T) {
	c := subsetCluster(t, nil)
	if h := c.PickSubset(0, map[string]string{"env": "feature-x"}); h == nil {
		t.Fatal("PickSubset without lb_subset_config returned nil")
	}
}

func TestPickSubsetFollowsHostSetChanges(t *testing.T) {
	c := subsetCluster(t, envUnitSubsets(clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK))
	m := map[string]string{"env": "feature-x"}
	if c.PickSubset(0, m) == nil {
		t.Fatal("no host before the change")
	}
	var kept []*Host
	for _, h := range c.Hosts() {
		if h.Metadata()["env"] != "feature-x" {
			kept = append(kept, h)
		}
	}
	c.setHosts(kept)
	if h := c.PickSubset(0, m); h != nil {
		t.Fatalf("picked %s after the feature-x hosts left", h.Addr())
	}
}

func TestPickSubsetDoesNotAllocate(t *testing.T) {
	c := subsetCluster(t, envUnitSubsets(clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET))
	for _, m := range []map[string]string{
		{"env": "feature-x"},
		{"env": "feature-x", "unit": "u1"},
		{"env": "feature-y"},
		{"zone": "a"},
	} {
		c.PickSubset(0, m) // builds the subsets
		if n := testing.AllocsPerRun(100, func() { c.PickSubset(0, m) }); n != 0 {
			t.Errorf("PickSubset(%v) allocates %v times", m, n)
		}
	}
}

func BenchmarkPickSubset(b *testing.B) {
	c := subsetCluster(b, envUnitSubsets(clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET))
	for _, bc := range []struct {
		name  string
		match map[string]string
	}{
		{"env", map[string]string{"env": "feature-x"}},
		{"env+unit", map[string]string{"env": "feature-x", "unit": "u2"}},
		{"fallback-default", map[string]string{"env": "feature-y"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.PickSubset(0, bc.match)
			}
		})
	}
}
