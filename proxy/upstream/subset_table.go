package upstream

import (
	"slices"
	"strings"

	"github.com/skiffmesh/skiff/proxy/config"
)

// subsetsOf returns the subsets of host set hs, building them on first use. Concurrent first
// uses may build twice; one result wins and both are equivalent.
func (c *Cluster) subsetsOf(hs *hostSet) *subsetTable {
	if t := hs.subsets.p.Load(); t != nil {
		return t
	}
	hs.subsets.p.CompareAndSwap(nil, newSubsetTable(c.cfg.Subset, hs.all, len(c.cursors)))
	return hs.subsets.p.Load()
}

// newSubsetTable groups hosts into the subsets of every selector's key set (and every
// fallback_keys_subset), and the default subset. A host is in a key set's subset when its
// metadata has all the keys. loops is the number of per-loop cursors of each subset.
func newSubsetTable(sc *config.SubsetConfig, hosts []*Host, loops int) *subsetTable {
	t := &subsetTable{subsets: map[string]*subset{}}
	members := map[string][]*Host{}
	for _, keys := range keySets(sc) {
		for _, h := range hosts {
			if key, ok := hostKey(h, keys); ok {
				members[key] = append(members[key], h)
			}
		}
	}
	for key, hs := range members {
		t.subsets[key] = &subset{hs: newHostSet(hs), cursors: make([]cursor, loops)}
	}
	var deflt []*Host
	for _, h := range hosts {
		if hasAll(h, sc.DefaultSubset) {
			deflt = append(deflt, h)
		}
	}
	t.deflt = &subset{hs: newHostSet(deflt), cursors: make([]cursor, loops)}
	return t
}

// keySets returns the distinct key sets subsets are built for, each sorted.
func keySets(sc *config.SubsetConfig) [][]string {
	var out [][]string
	seen := map[string]bool{}
	add := func(keys []string) {
		id := strings.Join(keys, "\x00")
		if len(keys) > 0 && !seen[id] {
			seen[id] = true
			out = append(out, slices.Clone(keys))
		}
	}
	for _, s := range sc.Selectors {
		add(s.Keys)
		add(s.FallbackKeysSubset)
	}
	return out
}

// hostKey returns the subset key of h for keys, or false when h lacks one of them.
func hostKey(h *Host, keys []string) (string, bool) {
	var key []byte
	for _, k := range keys {
		v, ok := h.Metadata()[k]
		if !ok {
			return "", false
		}
		key = appendPair(key, k, v)
	}
	return string(key), true
}

// hasAll reports whether h's metadata holds every pair of want.
func hasAll(h *Host, want map[string]string) bool {
	for k, v := range want {
		if got, ok := h.Metadata()[k]; !ok || got != v {
			return false
		}
	}
	return true
}
