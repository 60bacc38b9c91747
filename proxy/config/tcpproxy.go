package config

import (
	"math"
	"time"

	tcpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
)

// Envoy's tcp_proxy defaults.
const (
	DefaultTCPIdleTimeout = time.Hour
	defaultConnectTries   = 1
)

// TCPProxy is a translated tcp_proxy network filter: it relays the connection's bytes to an
// upstream connection to one of its clusters.
type TCPProxy struct {
	// StatPrefix prefixes the filter's stats (`tcp.<stat_prefix>.`); never empty.
	StatPrefix string
	// Clusters are the upstream clusters: `cluster` gives one entry of weight 1, and
	// `weighted_clusters` all of its entries in config order.
	Clusters []WeightedCluster
	// TotalWeight is the sum of the Clusters' weights (at least 1).
	TotalWeight uint32
	// IdleTimeout closes both connections after this long without bytes in either direction.
	// Default DefaultTCPIdleTimeout (1h); 0 means disabled (Envoy's explicit `0s`).
	IdleTimeout time.Duration
	// MaxConnectAttempts is how many upstream connects to try before giving up (default 1).
	MaxConnectAttempts uint32
}

// WeightedCluster is one upstream cluster of a TCPProxy with its weight.
type WeightedCluster struct {
	Name   string
	Weight uint32
}

// PickCluster returns the cluster for a random number r in [0, TotalWeight): each cluster owns a
// run of Weight consecutive numbers, in config order. An r out of range picks the last cluster.
func (t *TCPProxy) PickCluster(r uint32) string {
	for _, c := range t.Clusters {
		if r < c.Weight {
			return c.Name
		}
		r -= c.Weight
	}
	return t.Clusters[len(t.Clusters)-1].Name
}

// translateTCPProxy translates a tcp_proxy config at path (the typed_config field).
func translateTCPProxy(probs *problems, path string, tp *tcpv3.TcpProxy) *TCPProxy {
	out := &TCPProxy{
		StatPrefix:         tp.GetStatPrefix(),
		IdleTimeout:        DefaultTCPIdleTimeout,
		MaxConnectAttempts: defaultConnectTries,
	}
	if out.StatPrefix == "" {
		probs.addf(joinPath(path, "stat_prefix"), "required")
	}
	out.Clusters, out.TotalWeight = tcpClusters(probs, path, tp)
	if d := tp.GetIdleTimeout(); d != nil {
		out.IdleTimeout, _ = duration(probs, joinPath(path, "idle_timeout"), d, 0)
	}
	if n := tp.GetMaxConnectAttempts(); n != nil {
		out.MaxConnectAttempts = n.GetValue()
		if n.GetValue() == 0 {
			probs.addf(joinPath(path, "max_connect_attempts"), "must be at least 1")
		}
	}
	if len(probs.errs) == 0 {
		validate(probs, path, tp)
	}
	return out
}

// tcpClusters reads cluster or weighted_clusters and returns the clusters and their total weight.
func tcpClusters(probs *problems, path string, tp *tcpv3.TcpProxy) ([]WeightedCluster, uint32) {
	switch spec := tp.GetClusterSpecifier().(type) {
	case *tcpv3.TcpProxy_Cluster:
		if spec.Cluster == "" {
			probs.addf(joinPath(path, "cluster"), "must not be empty")
			return nil, 0
		}
		return []WeightedCluster{{Name: spec.Cluster, Weight: 1}}, 1
	case *tcpv3.TcpProxy_WeightedClusters:
		return weightedClusters(probs, joinPath(path, "weighted_clusters.clusters"), spec.WeightedClusters)
	}
	probs.addf(path, "cluster or weighted_clusters is required")
	return nil, 0
}

// weightedClusters reads weighted_clusters.clusters at path.
func weightedClusters(probs *problems, path string, wc *tcpv3.TcpProxy_WeightedCluster) ([]WeightedCluster, uint32) {
	if len(wc.GetClusters()) == 0 {
		probs.addf(path, "at least one cluster is required")
		return nil, 0
	}
	out := make([]WeightedCluster, 0, len(wc.GetClusters()))
	var total uint64
	for i, c := range wc.GetClusters() {
		cpath := index(path, i)
		if c.GetName() == "" {
			probs.addf(joinPath(cpath, "name"), "required")
		}
		if c.GetWeight() == 0 {
			probs.addf(joinPath(cpath, "weight"), "must be at least 1")
		}
		total += uint64(c.GetWeight())
		out = append(out, WeightedCluster{Name: c.GetName(), Weight: c.GetWeight()})
	}
	if total > math.MaxUint32 {
		probs.addf(path, "total weight %d exceeds %d", total, uint32(math.MaxUint32))
		return out, 0
	}
	return out, uint32(total)
}
