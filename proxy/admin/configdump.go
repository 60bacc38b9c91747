package admin

import (
	"net/http"

	adminv3 "github.com/envoyproxy/go-control-plane/envoy/admin/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/skiffmesh/skiff/proxy/config"
)

// configDump answers Envoy's /config_dump: a ConfigDump with the bootstrap,
// the static clusters and the static listeners in effect.
func (a *Admin) configDump(w http.ResponseWriter, _ *http.Request) {
	snap := a.opts.Server.Snapshot()
	dump := &adminv3.ConfigDump{}
	if snap != nil {
		at := timestamppb.Now()
		clusters := &adminv3.ClustersConfigDump{VersionInfo: snap.Version}
		for _, c := range snap.Clusters {
			clusters.StaticClusters = append(clusters.StaticClusters,
				&adminv3.ClustersConfigDump_StaticCluster{Cluster: mustAny(a.clusterSource(c)), LastUpdated: at})
		}
		listeners := &adminv3.ListenersConfigDump{VersionInfo: snap.Version}
		for _, l := range snap.Listeners {
			listeners.StaticListeners = append(listeners.StaticListeners,
				&adminv3.ListenersConfigDump_StaticListener{Listener: mustAny(l.Source), LastUpdated: at})
		}
		if snap.Bootstrap != nil {
			dump.Configs = append(dump.Configs, mustAny(&adminv3.BootstrapConfigDump{Bootstrap: a.dumpBootstrap(snap), LastUpdated: at}))
		}
		dyn := a.opts.Server.DynamicDump()
		addDynamic(clusters, listeners, dyn)
		dump.Configs = append(dump.Configs, mustAny(clusters), mustAny(listeners))
		if dyn != nil {
			dump.Configs = append(dump.Configs, mustAny(&adminv3.EndpointsConfigDump{DynamicEndpointConfigs: dyn.Endpoints}),
				mustAny(&adminv3.RoutesConfigDump{DynamicRouteConfigs: dyn.Routes}))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(marshalProto(dump))
}

func mustAny(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	if err != nil {
		panic(err) // only fails for a nil message
	}
	return a
}

func marshalProto(m proto.Message) []byte {
	b, err := protojson.MarshalOptions{Multiline: true, Indent: " ", UseProtoNames: true}.Marshal(m)
	if err != nil {
		return []byte(`{"error": "` + err.Error() + `"}`)
	}
	return b
}

// addDynamic adds the resources received over xDS (nil dyn: none) with their versions.
func addDynamic(clusters *adminv3.ClustersConfigDump, listeners *adminv3.ListenersConfigDump, dyn *config.DynamicDump) {
	if dyn == nil {
		return
	}
	clusters.VersionInfo = dyn.ClustersVersion
	clusters.DynamicActiveClusters = dyn.Clusters
	clusters.DynamicWarmingClusters = dyn.WarmingClusters
	listeners.VersionInfo = dyn.ListenersVersion
	listeners.DynamicListeners = dyn.Listeners
}
