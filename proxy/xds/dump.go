package xds

import (
	"maps"
	"slices"

	adminv3 "github.com/envoyproxy/go-control-plane/envoy/admin/v3"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/skiffmesh/skiff/proxy/config"
)

// Dump returns the resources held, for /config_dump (sorted by name). Any goroutine.
func (c *Client) Dump() *config.DynamicDump {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.res
	out := &config.DynamicDump{
		ClustersVersion: c.types[ClusterType].version, ListenersVersion: c.types[ListenerType].version,
	}
	for _, n := range slices.Sorted(maps.Keys(r.clusters)) {
		e := r.clusters[n]
		dc := &adminv3.ClustersConfigDump_DynamicCluster{
			VersionInfo: e.version, Cluster: e.body, LastUpdated: timestamppb.New(e.updated),
		}
		if e.warming {
			out.WarmingClusters = append(out.WarmingClusters, dc)
		} else {
			out.Clusters = append(out.Clusters, dc)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(r.listeners)) {
		e := r.listeners[n]
		st := &adminv3.ListenersConfigDump_DynamicListenerState{
			VersionInfo: e.version, Listener: e.body, LastUpdated: timestamppb.New(e.updated),
		}
		dl := &adminv3.ListenersConfigDump_DynamicListener{Name: n}
		if e.warming {
			dl.WarmingState = st
		} else {
			dl.ActiveState = st
		}
		out.Listeners = append(out.Listeners, dl)
	}
	for _, n := range slices.Sorted(maps.Keys(r.routes)) {
		e := r.routes[n]
		out.Routes = append(out.Routes, &adminv3.RoutesConfigDump_DynamicRouteConfig{
			VersionInfo: e.version, RouteConfig: e.body, LastUpdated: timestamppb.New(e.updated),
		})
	}
	for _, n := range slices.Sorted(maps.Keys(r.endpoints)) {
		e := r.endpoints[n]
		out.Endpoints = append(out.Endpoints, &adminv3.EndpointsConfigDump_DynamicEndpointConfig{
			VersionInfo: e.version, EndpointConfig: e.body, LastUpdated: timestamppb.New(e.updated),
		})
	}
	return out
}
