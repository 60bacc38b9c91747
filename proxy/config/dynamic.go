package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// DynamicConfig is a translated dynamic_resources: where the listeners and clusters come from.
// Skiff reads every dynamic resource over one ADS stream (proxy/xds).
type DynamicConfig struct {
	// Delta is ads_config.api_type DELTA_GRPC (incremental xDS); false is GRPC (state of the world).
	Delta bool
	// ClusterName is ads_config.grpc_services[0].envoy_grpc.cluster_name: the static cluster of the
	// control plane; empty for google_grpc.
	ClusterName string
	// Target is the gRPC target to dial: the first endpoint of ClusterName as host:port, or
	// google_grpc.target_uri.
	Target string
	// ConnectTimeout bounds a connection attempt: the cluster's connect_timeout (google_grpc: 5s).
	ConnectTimeout time.Duration
	// Keepalive is the cluster's HTTP/2 connection_keepalive interval (0 = none) and
	// KeepaliveTimeout how long a ping may go unanswered.
	Keepalive, KeepaliveTimeout time.Duration
	// SetNodeOnFirstMessageOnly sends the node only in the first request of a stream.
	SetNodeOnFirstMessageOnly bool
	// LDS and CDS say whether lds_config and cds_config are set (both read over ADS).
	LDS, CDS bool
	// LDSInitialFetchTimeout and CDSInitialFetchTimeout bound how long startup waits for the first
	// listeners and clusters (initial_fetch_timeout, default 15s; 0 = until they arrive).
	LDSInitialFetchTimeout, CDSInitialFetchTimeout time.Duration
}

// translateDynamic translates dynamic_resources; nil when the bootstrap has none. clusters are the
// static clusters, one of which envoy_grpc names.
func translateDynamic(d *bootstrapv3.Bootstrap_DynamicResources, clusters []*Cluster) (*DynamicConfig, error) {
	probs := &problems{base: "dynamic_resources"}
	if d == nil {
		return nil, nil
	}
	out := &DynamicConfig{}
	if d.GetLdsConfig() != nil {
		out.LDS = true
		out.LDSInitialFetchTimeout = configSourceADS(probs, "lds_config", d.GetLdsConfig())
	}
	if d.GetCdsConfig() != nil {
		out.CDS = true
		out.CDSInitialFetchTimeout = configSourceADS(probs, "cds_config", d.GetCdsConfig())
	}
	if d.GetAdsConfig() == nil {
		probs.addf("ads_config", "required")
		return nil, probs.err()
	}
	adsConfig(probs, d.GetAdsConfig(), out, clusters)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// adsConfig reads ads_config: the API type and the one gRPC service to dial.
func adsConfig(probs *problems, a *corev3.ApiConfigSource, out *DynamicConfig, clusters []*Cluster) {
	switch a.GetApiType() {
	case corev3.ApiConfigSource_GRPC:
	case corev3.ApiConfigSource_DELTA_GRPC:
		out.Delta = true
	default:
		probs.addf("ads_config.api_type", "%s %w (GRPC or DELTA_GRPC)", a.GetApiType(), ErrUnsupported)
	}
	switch a.GetTransportApiVersion() {
	case corev3.ApiVersion_AUTO, corev3.ApiVersion_V3:
	default:
		probs.addf("ads_config.transport_api_version", "%s %w (V3 only)", a.GetTransportApiVersion(), ErrUnsupported)
	}
	out.SetNodeOnFirstMessageOnly = a.GetSetNodeOnFirstMessageOnly()
	if len(a.GetGrpcServices()) != 1 {
		probs.addf("ads_config.grpc_services", "exactly one gRPC service is required")
		return
	}
	path := "ads_config.grpc_services[0]"
	g := a.GetGrpcServices()[0]
	switch {
	case g.GetEnvoyGrpc() != nil:
		out.ClusterName = g.GetEnvoyGrpc().GetClusterName()
		adsCluster(probs, joinPath(path, "envoy_grpc.cluster_name"), out, clusters)
	case g.GetGoogleGrpc() != nil:
		out.Target = g.GetGoogleGrpc().GetTargetUri()
		out.ConnectTimeout = DefaultConnectTimeout
		if out.Target == "" {
			probs.addf(joinPath(path, "google_grpc.target_uri"), "required")
		}
	default:
		probs.addf(path, "envoy_grpc or google_grpc is required")
	}
}

// adsCluster finds the static cluster named by envoy_grpc and dials its first endpoint.
func adsCluster(probs *problems, path string, out *DynamicConfig, clusters []*Cluster) {
	for _, c := range clusters {
		if c.Name != out.ClusterName {
			continue
		}
		if (c.Type != Static && c.Type != StrictDNS) || len(c.Endpoints) == 0 {
			probs.addf(path, "cluster %q needs a STATIC or STRICT_DNS endpoint", c.Name)
			return
		}
		ep := c.Endpoints[0]
		out.Target = net.JoinHostPort(ep.Address, strconv.Itoa(int(ep.Port)))
		out.ConnectTimeout = c.ConnectTimeout
		ka := http2Options(c.Source).GetConnectionKeepalive()
		out.Keepalive, out.KeepaliveTimeout = ka.GetInterval().AsDuration(), ka.GetTimeout().AsDuration()
		return
	}
	probs.addf(path, "no static cluster %q", out.ClusterName)
}

// checkHTTP2Clusters rejects HTTP/2 protocol options on static clusters other than the ADS
// cluster: Skiff's upstream connections are HTTP/1.1, only its xDS client speaks HTTP/2.
func checkHTTP2Clusters(clusters []*Cluster, dyn *DynamicConfig) error {
	var errs []error
	for i, c := range clusters {
		if http2Options(c.Source) == nil || (dyn != nil && dyn.ClusterName == c.Name) {
			continue
		}
		errs = append(errs, &FieldError{
			Resource: resourceLabel("cluster", c.Name), Path: index("static_resources.clusters", i),
			Err: fmt.Errorf("HTTP/2 upstreams are %w (only for the cluster of dynamic_resources.ads_config)", ErrUnsupported),
		})
	}
	return errors.Join(errs...)
}
