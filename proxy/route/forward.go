package route

import (
	"math"
	"time"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// DefaultTimeout is Envoy's route timeout when `timeout` is not set.
const DefaultTimeout = 15 * time.Second

// Forward is a compiled route action: forward the request to an upstream cluster.
type Forward struct {
	// Cluster is `cluster`; empty when the route uses ClusterHeader or WeightedClusters.
	Cluster string
	// ClusterHeader is `cluster_header` in lower case: the request header naming the cluster.
	ClusterHeader string
	// WeightedClusters are `weighted_clusters.clusters` in config order.
	WeightedClusters []WeightedCluster
	// TotalWeight is the sum of the WeightedClusters' weights (at least 1 when there are any).
	TotalWeight uint32
	// ClusterNotFoundStatus is the status to answer when the picked cluster does not exist or
	// ClusterHeader is missing: cluster_not_found_response_code, 503 by default (404, 500).
	ClusterNotFoundStatus int
	// PrefixRewrite is prefix_rewrite; see Route.RewritePath.
	PrefixRewrite string
	// RegexRewrite is regex_rewrite; nil when not set. See Route.RewritePath.
	RegexRewrite *RegexRewrite
	// HostRewrite is host_rewrite_literal: the Host sent upstream. Empty: no literal rewrite.
	HostRewrite string
	// AutoHostRewrite is auto_host_rewrite: send the picked endpoint's hostname as Host.
	AutoHostRewrite bool
	// Timeout bounds the whole request, retries included (`timeout`); DefaultTimeout when not
	// set, 0 (an explicit `0s`) disables it.
	Timeout time.Duration
	// IdleTimeout is `idle_timeout`, valid when HasIdleTimeout: it replaces the connection
	// manager's stream idle timeout for this route; 0 disables it.
	IdleTimeout    time.Duration
	HasIdleTimeout bool
	// Retry is the retry policy of the route, else of its virtual host; nil: no retries.
	Retry *RetryPolicy

	rewrite pathRewrite
}

// WeightedCluster is one entry of weighted_clusters.
type WeightedCluster struct {
	Name   string
	Weight uint32
}

// pick returns the cluster for the random number rnd as Envoy does: rnd modulo the total weight
// selects a run of Weight consecutive numbers per cluster, in config order.
func (f *Forward) pick(rnd uint32) string {
	v := rnd % f.TotalWeight
	for _, c := range f.WeightedClusters {
		if v < c.Weight {
			return c.Name
		}
		v -= c.Weight
	}
	return f.WeightedClusters[len(f.WeightedClusters)-1].Name // unreachable: v < TotalWeight
}

// clusterNotFound maps cluster_not_found_response_code to the HTTP status.
var clusterNotFound = map[routev3.RouteAction_ClusterNotFoundResponseCode]int{
	routev3.RouteAction_SERVICE_UNAVAILABLE:   503,
	routev3.RouteAction_NOT_FOUND:             404,
	routev3.RouteAction_INTERNAL_SERVER_ERROR: 500,
}

// compileForward compiles the RouteAction at path for a route whose match is m; vhostRetry is the
// virtual host's retry policy (nil if none).
func compileForward(probs *problems, path string, ra *routev3.RouteAction, m *routeMatch, vhostRetry *RetryPolicy) *Forward {
	f := &Forward{
		PrefixRewrite:   ra.GetPrefixRewrite(),
		HostRewrite:     ra.GetHostRewriteLiteral(),
		AutoHostRewrite: ra.GetAutoHostRewrite().GetValue(),
		Timeout:         DefaultTimeout,
		Retry:           vhostRetry,
	}
	forwardCluster(probs, path, ra, f)
	var ok bool
	if f.ClusterNotFoundStatus, ok = clusterNotFound[ra.GetClusterNotFoundResponseCode()]; !ok {
		probs.Addf(joinPath(path, "cluster_not_found_response_code"), "unknown value %d", ra.GetClusterNotFoundResponseCode())
	}
	f.rewrite = compilePathRewrite(probs, path, m, f.PrefixRewrite, ra.GetRegexRewrite())
	f.RegexRewrite = f.rewrite.regex
	if d := ra.GetTimeout(); d != nil {
		f.Timeout, _ = duration(probs, joinPath(path, "timeout"), d, 0)
	}
	if d := ra.GetIdleTimeout(); d != nil {
		f.IdleTimeout, f.HasIdleTimeout = duration(probs, joinPath(path, "idle_timeout"), d, 0)
	}
	if rp := ra.GetRetryPolicy(); rp != nil {
		f.Retry = compileRetryPolicy(probs, joinPath(path, "retry_policy"), rp)
	}
	return f
}

// forwardCluster reads the cluster specifier of ra into f.
func forwardCluster(probs *problems, path string, ra *routev3.RouteAction, f *Forward) {
	switch s := ra.GetClusterSpecifier().(type) {
	case *routev3.RouteAction_Cluster:
		f.Cluster = probs.NonEmpty(joinPath(path, "cluster"), s.Cluster)
	case *routev3.RouteAction_ClusterHeader:
		f.ClusterHeader = matcher.LowerString(probs.NonEmpty(joinPath(path, "cluster_header"), s.ClusterHeader))
	case *routev3.RouteAction_WeightedClusters:
		f.WeightedClusters, f.TotalWeight = weightedClusters(probs, joinPath(path, "weighted_clusters"), s.WeightedClusters)
	default:
		probs.Addf(path, "one of cluster, cluster_header or weighted_clusters is required")
	}
}

// weightedClusters reads weighted_clusters at path and returns the clusters and their total
// weight. Like Envoy, a cluster may have weight 0 (never picked) but the total must be positive,
// and a deprecated total_weight must equal the sum.
func weightedClusters(probs *problems, path string, wc *routev3.WeightedCluster) ([]WeightedCluster, uint32) {
	cpath := joinPath(path, "clusters")
	if len(wc.GetClusters()) == 0 {
		probs.Addf(cpath, "at least one cluster is required")
		return nil, 0
	}
	out := make([]WeightedCluster, 0, len(wc.GetClusters()))
	var total uint64
	for i, c := range wc.GetClusters() {
		name := probs.NonEmpty(joinPath(index(cpath, i), "name"), c.GetName())
		out = append(out, WeightedCluster{Name: name, Weight: c.GetWeight().GetValue()})
		total += uint64(c.GetWeight().GetValue())
	}
	switch {
	case total == 0:
		probs.Addf(cpath, "the sum of the weights must be greater than 0")
	case total > math.MaxUint32:
		probs.Addf(cpath, "the sum of the weights %d exceeds %d", total, uint32(math.MaxUint32))
		total = 0
	case wc.GetTotalWeight() != nil && uint64(wc.GetTotalWeight().GetValue()) != total:
		probs.Addf(joinPath(path, "total_weight"), "%d is not the sum of the weights %d", wc.GetTotalWeight().GetValue(), total)
	}
	return out, uint32(total)
}
