package dubboroute

import (
	"math"
	"math/bits"
	"strconv"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// lbMetadataKey is the filter_metadata namespace of the subset load balancer's criteria.
const lbMetadataKey = "envoy.lb"

// Route is one compiled Dubbo route. It is immutable and safe for concurrent use.
type Route struct {
	// Name is "<route_config name>/<index of the route in it>".
	Name string
	// Cluster is the target cluster of a `cluster` action; empty with WeightedClusters.
	Cluster string
	// MetadataMatch is metadata_match.filter_metadata["envoy.lb"]: the endpoint metadata the
	// subset load balancer selects by, values formatted as strings like endpoint metadata
	// (proxy/config.Endpoint.Metadata). Nil when there is none. Do not modify.
	MetadataMatch map[string]string
	// WeightedClusters are the weighted_clusters entries in config order; nil for `cluster`.
	WeightedClusters []WeightedCluster
	// TotalWeight is the sum of the WeightedClusters' weights (at least 1 with weighted clusters).
	TotalWeight uint64

	match routeMatch
}

// WeightedCluster is one weighted_clusters entry of a route.
type WeightedCluster struct {
	Name   string
	Weight uint32
	// MetadataMatch is the route's MetadataMatch overlaid with the entry's own metadata_match
	// (the entry's values win, as in Envoy). Do not modify.
	MetadataMatch map[string]string
}

// Pick returns the target cluster for one request and the subset load balancer's criteria for
// it. With weighted clusters rnd, uniform in [0, 2^64), picks an entry in proportion to its
// weight. It does not allocate; the returned map is shared and must not be modified.
func (r *Route) Pick(rnd uint64) (cluster string, metadataMatch map[string]string) {
	if len(r.WeightedClusters) == 0 {
		return r.Cluster, r.MetadataMatch
	}
	n, _ := bits.Mul64(rnd, r.TotalWeight) // uniform in [0, TotalWeight)
	for i := range r.WeightedClusters {
		c := &r.WeightedClusters[i]
		if n < uint64(c.Weight) {
			return c.Name, c.MetadataMatch
		}
		n -= uint64(c.Weight)
	}
	c := &r.WeightedClusters[len(r.WeightedClusters)-1]
	return c.Name, c.MetadataMatch
}

// compileAction compiles the RouteAction at path into r.
func compileAction(probs *problems, path string, a *dubbov3.RouteAction, r *Route) {
	if a == nil {
		probs.Addf(path, "required")
		return
	}
	r.MetadataMatch = metadataMatch(probs, joinPath(path, "metadata_match"), a.GetMetadataMatch())
	switch spec := a.GetClusterSpecifier().(type) {
	case *dubbov3.RouteAction_Cluster:
		r.Cluster = probs.NonEmpty(joinPath(path, "cluster"), spec.Cluster)
	case *dubbov3.RouteAction_WeightedClusters:
		compileWeighted(probs, joinPath(path, "weighted_clusters"), spec.WeightedClusters, r)
	default:
		probs.Addf(path, "cluster or weighted_clusters is required")
	}
}

// compileWeighted compiles weighted_clusters at path into r.
func compileWeighted(probs *problems, path string, wc *routev3.WeightedCluster, r *Route) {
	cpath := joinPath(path, "clusters")
	if len(wc.GetClusters()) == 0 {
		probs.Addf(cpath, "at least one cluster is required")
		return
	}
	for i, c := range wc.GetClusters() {
		epath := index(cpath, i)
		md := metadataMatch(probs, joinPath(epath, "metadata_match"), c.GetMetadataMatch())
		r.WeightedClusters = append(r.WeightedClusters, WeightedCluster{
			Name:          probs.NonEmpty(joinPath(epath, "name"), c.GetName()),
			Weight:        c.GetWeight().GetValue(),
			MetadataMatch: overlay(r.MetadataMatch, md),
		})
		r.TotalWeight += uint64(c.GetWeight().GetValue())
	}
	switch {
	case r.TotalWeight == 0:
		probs.Addf(cpath, "the total weight must be at least 1")
	case r.TotalWeight > math.MaxUint32:
		probs.Addf(cpath, "the total weight %d exceeds %d", r.TotalWeight, uint32(math.MaxUint32))
	case wc.GetTotalWeight() != nil && uint64(wc.GetTotalWeight().GetValue()) != r.TotalWeight:
		probs.Addf(joinPath(path, "total_weight"), "%d is not the sum of the weights (%d)", wc.GetTotalWeight().GetValue(), r.TotalWeight)
	}
}

// overlay returns base with over's entries set over it; base itself when over is empty.
func overlay(base, over map[string]string) map[string]string {
	if len(over) == 0 {
		return base
	}
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// metadataMatch reads metadata_match at path: filter_metadata["envoy.lb"] with scalar values
// formatted as strings; nil when absent. Other namespaces would be ignored by Envoy's subset load
// balancer, so they are rejected as a likely mistake.
func metadataMatch(probs *problems, path string, md *corev3.Metadata) map[string]string {
	var out map[string]string
	for ns, s := range md.GetFilterMetadata() {
		nspath := joinPath(path, "filter_metadata["+strconv.Quote(ns)+"]")
		if ns != lbMetadataKey {
			probs.Addf(nspath, "only the %q namespace is %w", lbMetadataKey, ErrUnsupported)
			continue
		}
		out = make(map[string]string, len(s.GetFields()))
		for k, v := range s.GetFields() {
			str, ok := scalarString(v)
			if !ok {
				probs.Addf(joinPath(nspath, k), "only string, number and bool values are supported")
				continue
			}
			out[k] = str
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// scalarString formats a string, number or bool Struct value as proxy/config formats endpoint
// metadata; false for other kinds.
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
