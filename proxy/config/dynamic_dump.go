package config

import (
	adminv3 "github.com/envoyproxy/go-control-plane/envoy/admin/v3"
)

// DynamicDump is the dynamic part of /config_dump: the resources received over xDS with their
// versions and when they were last updated, in Envoy's config dump messages. Resources still
// warming are listed as such (warming listeners, warming clusters).
type DynamicDump struct {
	// ClustersVersion and ListenersVersion are the version_info of the last accepted CDS and LDS
	// responses (system_version_info on delta).
	ClustersVersion, ListenersVersion string
	Clusters                          []*adminv3.ClustersConfigDump_DynamicCluster
	WarmingClusters                   []*adminv3.ClustersConfigDump_DynamicCluster
	Listeners                         []*adminv3.ListenersConfigDump_DynamicListener
	Routes                            []*adminv3.RoutesConfigDump_DynamicRouteConfig
	Endpoints                         []*adminv3.EndpointsConfigDump_DynamicEndpointConfig
}
