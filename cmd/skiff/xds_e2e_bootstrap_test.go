package main

import (
	"os"
	"path/filepath"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/skiffmesh/skiff/proxy/config"
)

// xdsExampleBootstrap is the shipped example the xDS end-to-end test runs.
const xdsExampleBootstrap = "../../examples/xds-bootstrap.yaml"

// readXDSExample parses examples/xds-bootstrap.yaml.
func readXDSExample(t *testing.T) *bootstrapv3.Bootstrap {
	t.Helper()
	data, err := os.ReadFile(xdsExampleBootstrap)
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", xdsExampleBootstrap, err)
	}
	return b
}

// writeXDSBootstrap writes examples/xds-bootstrap.yaml with only these changes and returns the
// file's path: the control plane's endpoint gets port cpPort, the admin server port 0, and
// ads_config.api_type becomes apiType. Everything else (node, addresses, timeouts, HTTP/2
// options) is as shipped. The file is JSON, which the bootstrap loader reads as it reads YAML.
func writeXDSBootstrap(t *testing.T, apiType corev3.ApiConfigSource_ApiType, cpPort uint32) string {
	t.Helper()
	b := readXDSExample(t)
	ads := b.GetDynamicResources().GetAdsConfig()
	if ads == nil || len(ads.GetGrpcServices()) != 1 || ads.GetGrpcServices()[0].GetEnvoyGrpc() == nil {
		t.Fatalf("%s: want ads_config with one envoy_grpc service", xdsExampleBootstrap)
	}
	if ads.GetApiType() != corev3.ApiConfigSource_DELTA_GRPC {
		t.Fatalf("%s ships api_type %v, want DELTA_GRPC", xdsExampleBootstrap, ads.GetApiType())
	}
	ads.ApiType = apiType
	cpCluster := ads.GetGrpcServices()[0].GetEnvoyGrpc().GetClusterName()
	patched := 0
	for _, c := range b.GetStaticResources().GetClusters() {
		if c.GetName() != cpCluster {
			continue
		}
		for _, loc := range c.GetLoadAssignment().GetEndpoints() {
			for _, ep := range loc.GetLbEndpoints() {
				sa := ep.GetEndpoint().GetAddress().GetSocketAddress()
				if sa.GetAddress() != "127.0.0.1" {
					t.Fatalf("%s: control plane at %q, want 127.0.0.1", xdsExampleBootstrap, sa.GetAddress())
				}
				sa.PortSpecifier = &corev3.SocketAddress_PortValue{PortValue: cpPort}
				patched++
			}
		}
	}
	if patched != 1 {
		t.Fatalf("%s: cluster %q has %d endpoints, want 1", xdsExampleBootstrap, cpCluster, patched)
	}
	admin := b.GetAdmin().GetAddress().GetSocketAddress()
	if admin == nil {
		t.Fatalf("%s: no admin socket_address", xdsExampleBootstrap)
	}
	admin.PortSpecifier = &corev3.SocketAddress_PortValue{PortValue: 0}
	js, err := protojson.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "xds-bootstrap.json")
	if err := os.WriteFile(path, js, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
