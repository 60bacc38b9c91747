package config

import (
	"slices"
	"strconv"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// SubsetConfig is a translated lb_subset_config: Envoy's subset load balancer. Requests that
// carry metadata match criteria (a route's metadata_match) are balanced over the endpoints
// whose filter_metadata["envoy.lb"] holds exactly those key=value pairs; subsets exist for the
// key sets of the selectors.
type SubsetConfig struct {
	// FallbackPolicy is what happens when no subset fits a request (fallback_policy, default
	// NoFallback).
	FallbackPolicy SubsetFallback
	// DefaultSubset is default_subset: the endpoints DefaultSubset falls back to are those whose
	// metadata holds all of these pairs (every endpoint when empty). Values are formatted like
	// Endpoint.Metadata.
	DefaultSubset map[string]string
	// Selectors are subset_selectors in config order.
	Selectors []SubsetSelector
}

// SubsetSelector is one subset_selectors entry: a key set subsets are built for.
type SubsetSelector struct {
	// Keys are the metadata keys, sorted and without duplicates; never empty.
	Keys []string
	// FallbackPolicy overrides the cluster's FallbackPolicy for requests whose criteria have
	// exactly these keys (SelectorNotDefined: use the cluster's).
	FallbackPolicy SelectorFallback
	// FallbackKeysSubset are the keys to retry with under SelectorKeysSubset: a proper, non-empty
	// subset of Keys, sorted.
	FallbackKeysSubset []string
}

// SubsetFallback is the cluster-wide fallback of the subset load balancer.
type SubsetFallback int

const (
	// NoFallback finds no host (Envoy's NO_FALLBACK, the default).
	NoFallback SubsetFallback = iota
	// AnyEndpoint balances over all the cluster's endpoints.
	AnyEndpoint
	// DefaultSubset balances over the endpoints matching SubsetConfig.DefaultSubset.
	DefaultSubset
)

// SelectorFallback is a selector's own fallback.
type SelectorFallback int

const (
	// SelectorNotDefined applies the cluster's SubsetFallback (Envoy's NOT_DEFINED, the default).
	SelectorNotDefined SelectorFallback = iota
	// SelectorNoFallback finds no host.
	SelectorNoFallback
	// SelectorAnyEndpoint balances over all the cluster's endpoints.
	SelectorAnyEndpoint
	// SelectorDefaultSubset balances over the default subset.
	SelectorDefaultSubset
	// SelectorKeysSubset retries with the criteria reduced to FallbackKeysSubset, then applies the
	// cluster's SubsetFallback.
	SelectorKeysSubset
)

// translateSubset reads lb_subset_config; nil when it is not set.
func translateSubset(probs *problems, sc *clusterv3.Cluster_LbSubsetConfig) *SubsetConfig {
	if sc == nil {
		return nil
	}
	const path = "lb_subset_config"
	out := &SubsetConfig{}
	switch sc.GetFallbackPolicy() {
	case clusterv3.Cluster_LbSubsetConfig_NO_FALLBACK:
		out.FallbackPolicy = NoFallback
	case clusterv3.Cluster_LbSubsetConfig_ANY_ENDPOINT:
		out.FallbackPolicy = AnyEndpoint
	case clusterv3.Cluster_LbSubsetConfig_DEFAULT_SUBSET:
		out.FallbackPolicy = DefaultSubset
	default:
		probs.addf(joinPath(path, "fallback_policy"), "%s %w", sc.GetFallbackPolicy(), ErrUnsupported)
	}
	out.DefaultSubset = scalarStruct(probs, joinPath(path, "default_subset"), sc.GetDefaultSubset())
	for i, s := range sc.GetSubsetSelectors() {
		out.Selectors = append(out.Selectors, subsetSelector(probs, index(joinPath(path, "subset_selectors"), i), s))
	}
	return out
}

// subsetSelector reads one subset_selectors entry at path.
func subsetSelector(probs *problems, path string, s *clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector) SubsetSelector {
	out := SubsetSelector{Keys: sortedSet(s.GetKeys())}
	if len(out.Keys) == 0 {
		probs.addf(joinPath(path, "keys"), "at least one key is required")
	}
	switch s.GetFallbackPolicy() {
	case clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector_NOT_DEFINED:
		out.FallbackPolicy = SelectorNotDefined
	case clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector_NO_FALLBACK:
		out.FallbackPolicy = SelectorNoFallback
	case clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector_ANY_ENDPOINT:
		out.FallbackPolicy = SelectorAnyEndpoint
	case clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector_DEFAULT_SUBSET:
		out.FallbackPolicy = SelectorDefaultSubset
	case clusterv3.Cluster_LbSubsetConfig_LbSubsetSelector_KEYS_SUBSET:
		out.FallbackPolicy = SelectorKeysSubset
	default:
		probs.addf(joinPath(path, "fallback_policy"), "%s %w", s.GetFallbackPolicy(), ErrUnsupported)
	}
	fpath := joinPath(path, "fallback_keys_subset")
	out.FallbackKeysSubset = sortedSet(s.GetFallbackKeysSubset())
	switch {
	case out.FallbackPolicy != SelectorKeysSubset:
		if len(out.FallbackKeysSubset) > 0 {
			probs.addf(fpath, "only used with fallback_policy KEYS_SUBSET")
		}
	case len(out.FallbackKeysSubset) == 0:
		probs.addf(fpath, "required with fallback_policy KEYS_SUBSET")
	case len(out.FallbackKeysSubset) >= len(out.Keys) || !subsetOf(out.FallbackKeysSubset, out.Keys):
		probs.addf(fpath, "must be a proper subset of keys")
	}
	return out
}

// scalarStruct reads a Struct of scalar values as strings (formatted like endpoint metadata);
// nil when empty.
func scalarStruct(probs *problems, path string, s *structpb.Struct) map[string]string {
	if len(s.GetFields()) == 0 {
		return nil
	}
	out := make(map[string]string, len(s.GetFields()))
	for k, v := range s.GetFields() {
		str, ok := scalarString(v)
		if !ok {
			probs.addf(joinPath(path, strconv.Quote(k)), "only string, number and bool values are supported")
			continue
		}
		out[k] = str
	}
	return out
}

// sortedSet returns keys sorted and without duplicates (nil when empty).
func sortedSet(keys []string) []string {
	if len(keys) == 0 {
		return nil
	}
	out := slices.Clone(keys)
	slices.Sort(out)
	return slices.Compact(out)
}

// subsetOf reports whether every element of the sorted set a is in the sorted set b.
func subsetOf(a, b []string) bool {
	for _, k := range a {
		if _, ok := slices.BinarySearch(b, k); !ok {
			return false
		}
	}
	return true
}
