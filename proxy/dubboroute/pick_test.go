package dubboroute

import (
	"maps"
	"math"
	"testing"
)

func TestPick(t *testing.T) {
	tbl := mustCompile(t, `
- name: w
  interface: I
  routes:
  - match: {}
    route:
      metadata_match: {filter_metadata: {envoy.lb: {env: base, zone: a}}}
      weighted_clusters:
        clusters:
        - {name: one, weight: 1}
        - {name: three, weight: 3, metadata_match: {filter_metadata: {envoy.lb: {env: feature-x, canary: true, shard: 2}}}}
        - {name: never, weight: 0}
`)
	r := tbl.Match(call("I", "m", ""))
	if r == nil || r.TotalWeight != 4 {
		t.Fatalf("route = %+v", r)
	}
	for _, tc := range []struct {
		name string
		rnd  uint64
		want string
		md   map[string]string
	}{
		{"low", 0, "one", map[string]string{"env": "base", "zone": "a"}},
		{"quarter", math.MaxUint64 / 4, "one", map[string]string{"env": "base", "zone": "a"}},
		{"above quarter", math.MaxUint64/4 + 2, "three", map[string]string{"env": "feature-x", "zone": "a", "canary": "true", "shard": "2"}},
		{"top", math.MaxUint64, "three", map[string]string{"env": "feature-x", "zone": "a", "canary": "true", "shard": "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, md := r.Pick(tc.rnd)
			if c != tc.want || !maps.Equal(md, tc.md) {
				t.Fatalf("Pick = %q %v, want %q %v", c, md, tc.want, tc.md)
			}
		})
	}
	if got := tbl.Clusters(); len(got) != 3 {
		t.Fatalf("Clusters = %v", got)
	}
}

func TestPickShares(t *testing.T) {
	tbl := mustCompile(t, `[{name: w, interface: I, routes: [{match: {}, route: {weighted_clusters: {clusters: [{name: a, weight: 1}, {name: b, weight: 3}]}}}]}]`)
	r := tbl.Match(call("I", "m", ""))
	counts := map[string]int{}
	const n = 4000
	for i := range uint64(n) {
		c, _ := r.Pick((2*i + 1) * (math.MaxUint64 / (2 * n))) // midpoints of n equal steps
		counts[c]++
	}
	if counts["a"] != n/4 || counts["b"] != 3*n/4 {
		t.Fatalf("counts = %v", counts)
	}
}
