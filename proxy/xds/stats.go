package xds

import (
	"hash/fnv"

	"github.com/skiffmesh/skiff/proxy/stats"
)

// typeStats are Envoy's update statistics of one resource type: cluster_manager.cds.*,
// listener_manager.lds.*, and for EDS and RDS the aggregates cluster_manager.eds.* and
// listener_manager.rds.* (Envoy keeps these per cluster and per route configuration).
type typeStats struct {
	attempt, success, rejected, failure *stats.Counter
	version                             *stats.Gauge
}

func newTypeStats(store *stats.Store, manager, api string) *typeStats {
	sc := store.Scope(stats.S(manager), stats.S(api))
	return &typeStats{
		attempt: sc.Counter("update_attempt"), success: sc.Counter("update_success"),
		rejected: sc.Counter("update_rejected"), failure: sc.Counter("update_failure"),
		version: sc.Gauge("version"),
	}
}

// setVersion sets the version gauge to a hash of version_info, as Envoy does.
func (t *typeStats) setVersion(v string) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(v))
	t.version.Set(int64(h.Sum64() >> 1))
}

// clientStats are the client's statistics.
type clientStats struct {
	connected *stats.Gauge // control_plane.connected_state
	byType    map[string]*typeStats
}

func newClientStats(store *stats.Store) *clientStats {
	return &clientStats{
		connected: store.Scope(stats.S("control_plane")).Gauge("connected_state"),
		byType: map[string]*typeStats{
			ClusterType:  newTypeStats(store, "cluster_manager", "cds"),
			ListenerType: newTypeStats(store, "listener_manager", "lds"),
			EndpointType: newTypeStats(store, "cluster_manager", "eds"),
			RouteType:    newTypeStats(store, "listener_manager", "rds"),
		},
	}
}
