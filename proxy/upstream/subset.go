package upstream

import (
	"math/rand/v2"
	"sync/atomic"

	"github.com/skiffmesh/skiff/proxy/config"
)

// This file is Envoy's subset load balancer (lb_subset_config). A route's metadata_match
// criteria select the hosts whose envoy.lb metadata holds exactly those key=value pairs, among
// the subsets the selectors define; when that subset is empty or no selector has the criteria's
// keys, the selector's and then the cluster's fallback policy apply.
//
// The subsets of a host set are computed once per host set (subsetTable), on the first
// PickSubset after the host set was installed (newHostSet does not know the cluster's config).
// Each subset balances with the cluster's lb_policy over its own hosts (weighted round robin by
// default, lowest priority first), with its own per-loop round-robin cursors.

// maxStackKey is the subset key length PickSubset builds on the stack; longer criteria (the
// keys and values together) make it allocate.
const maxStackKey = 256

// subsetTable is the subset load balancer's view of one host set. It is immutable.
type subsetTable struct {
	// subsets maps a subset key (subsetKey: "k1\x00v1\x00k2\x00v2\x00" over sorted keys) to the
	// hosts with those values, for the key set of every selector and every fallback_keys_subset.
	subsets map[string]*subset
	// deflt is the default subset (hosts matching default_subset; every host when it is empty).
	deflt *subset
}

// subsetCache holds the subsetTable of a host set once it is built.
type subsetCache struct{ p atomic.Pointer[subsetTable] }

// subset is the hosts of one subset and its round-robin position.
type subset struct {
	hs      *hostSet
	cursors []cursor // per loop
	shared  atomic.Uint64
}

// PickSubset picks a host whose envoy.lb metadata contains every key=value of match, following
// the cluster's lb_subset_config fallback rules; with match empty or no subset config it is Pick.
// shard is the caller's loop index (or -1 off-loop).
//
// Criteria are looked up by their exact key set, as in Envoy: a selector whose keys are the keys
// of match finds the subset; when that subset has no host the selector's fallback_policy applies
// (KEYS_SUBSET retries with the criteria reduced to fallback_keys_subset), then, as when no
// selector has match's keys, the cluster's fallback_policy: NO_FALLBACK returns nil,
// ANY_ENDPOINT picks from every host, DEFAULT_SUBSET from the default subset.
//
// PickSubset does not allocate in the steady state: the subset key is built in a stack buffer of
// maxStackKey bytes and looked up without a copy. The first call after a host set change builds
// that host set's subsets. match is only read.
func (c *Cluster) PickSubset(shard int, match map[string]string) *Host {
	sc := c.cfg.Subset
	if sc == nil || len(match) == 0 || c.odst != nil {
		return c.Pick(shard)
	}
	t := c.subsetsOf(c.hosts.Load())
	if sel := selectorFor(sc, match); sel != nil {
		if h := c.pickIn(t.lookup(sel.Keys, match), shard); h != nil {
			return h
		}
		switch sel.FallbackPolicy {
		case config.SelectorNoFallback:
			return nil
		case config.SelectorAnyEndpoint:
			return c.Pick(shard)
		case config.SelectorDefaultSubset:
			return c.pickIn(t.deflt, shard)
		case config.SelectorKeysSubset:
			if h := c.pickIn(t.lookup(sel.FallbackKeysSubset, match), shard); h != nil {
				return h
			}
		}
	}
	switch sc.FallbackPolicy {
	case config.AnyEndpoint:
		return c.Pick(shard)
	case config.DefaultSubset:
		return c.pickIn(t.deflt, shard)
	}
	return nil
}

// selectorFor returns the selector whose keys are exactly the keys of match, or nil.
func selectorFor(sc *config.SubsetConfig, match map[string]string) *config.SubsetSelector {
	for i := range sc.Selectors {
		sel := &sc.Selectors[i]
		if len(sel.Keys) != len(match) {
			continue
		}
		all := true
		for _, k := range sel.Keys {
			if _, ok := match[k]; !ok {
				all = false
				break
			}
		}
		if all {
			return sel
		}
	}
	return nil
}

// lookup returns the subset of the hosts whose values for keys (sorted) are those of match, or
// nil when there is none.
func (t *subsetTable) lookup(keys []string, match map[string]string) *subset {
	var buf [maxStackKey]byte
	key := buf[:0]
	for _, k := range keys {
		key = appendPair(key, k, match[k])
	}
	return t.subsets[string(key)] // no copy: the compiler looks up the bytes in place
}

// appendPair appends one key=value pair of a subset key.
func appendPair(dst []byte, k, v string) []byte {
	dst = append(dst, k...)
	dst = append(dst, 0)
	dst = append(dst, v...)
	return append(dst, 0)
}

// pickIn picks a host of subset s with the cluster's policy; nil when s is nil or empty.
func (c *Cluster) pickIn(s *subset, shard int) *Host {
	if s == nil {
		return nil
	}
	hs := s.hs
	n := len(hs.active)
	switch {
	case n == 0:
		return nil
	case n == 1:
		return hs.active[0]
	}
	switch c.cfg.LBPolicy {
	case config.LeastRequest:
		return c.pickLeastRequest(hs)
	case config.Random:
		if hs.equal {
			return hs.active[rand.IntN(n)]
		}
		return hs.pickWeighted(rand.Uint64N(hs.totalWeight))
	}
	var i uint64
	if shard >= 0 && shard < len(s.cursors) {
		i = s.cursors[shard].n
		s.cursors[shard].n++
	} else {
		i = s.shared.Add(1) - 1
	}
	if hs.schedule != nil {
		return hs.active[hs.schedule[i%uint64(len(hs.schedule))]]
	}
	return hs.active[i%uint64(len(hs.active))]
}
