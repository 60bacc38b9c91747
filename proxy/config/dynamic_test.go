package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const xdsBootstrap = `
node: {id: "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local", cluster: app-1}
dynamic_resources:
  ads_config:
    api_type: DELTA_GRPC
    transport_api_version: V3
    set_node_on_first_message_only: true
    grpc_services: [{envoy_grpc: {cluster_name: xds-grpc}}]
  lds_config: {ads: {}, resource_api_version: V3}
  cds_config: {ads: {}, resource_api_version: V3, initial_fetch_timeout: 2s}
static_resources:
  clusters:
  - name: xds-grpc
    type: STRICT_DNS
    connect_timeout: 1s
    load_assignment:
      cluster_name: xds-grpc
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: istiod.istio-system.svc, port_value: 15010}}}}]}]
    typed_extension_protocol_options:
      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
        explicit_http_config:
          http2_protocol_options: {connection_keepalive: {interval: 30s, timeout: 10s}}
`

func TestTranslateDynamic(t *testing.T) {
	b, err := Parse([]byte(xdsBootstrap))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	want := DynamicConfig{
		Delta: true, ClusterName: "xds-grpc", Target: "istiod.istio-system.svc:15010",
		ConnectTimeout: time.Second, Keepalive: 30 * time.Second, KeepaliveTimeout: 10 * time.Second,
		SetNodeOnFirstMessageOnly: true, LDS: true, CDS: true,
		LDSInitialFetchTimeout: DefaultInitialFetchTimeout, CDSInitialFetchTimeout: 2 * time.Second,
	}
	if s.Dynamic == nil || *s.Dynamic != want {
		t.Errorf("Dynamic = %+v\nwant %+v", s.Dynamic, want)
	}
}

func TestTranslateDynamicRejects(t *testing.T) {
	cases := []struct {
		name, from, to, want string
		unsupported          bool
	}{
		{"api_type REST", "api_type: DELTA_GRPC", "api_type: REST", "dynamic_resources.ads_config.api_type: REST not supported", true},
		{"unknown cluster", "cluster_name: xds-grpc}", "cluster_name: nope}", `dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: no static cluster "nope"`, true},
		{"lds from a path", "lds_config: {ads: {}, resource_api_version: V3}", "lds_config: {path_config_source: {path: /x}}", "dynamic_resources.lds_config.path_config_source: not supported", true},
		{"http1 options", "http2_protocol_options: {connection_keepalive: {interval: 30s, timeout: 10s}}", "http_protocol_options: {}", "explicit_http_config.http_protocol_options: not supported", true},
		{"other protocol options", "envoy.extensions.upstreams.http.v3.HttpProtocolOptions:\n", "envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions:\n", `typed_extension_protocol_options["envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions"]`, true},
		{"http2 on another cluster", "{envoy_grpc: {cluster_name: xds-grpc}}", "{google_grpc: {target_uri: \"127.0.0.1:15010\", stat_prefix: x}}", `cluster "xds-grpc": static_resources.clusters[0]: HTTP/2 upstreams are not supported`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(xdsBootstrap, tc.from, tc.to, 1)
			if doc == xdsBootstrap {
				t.Fatalf("%q not in the bootstrap", tc.from)
			}
			b, err := Parse([]byte(doc))
			if err == nil {
				_, err = Translate(b)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant it to contain %s", err, tc.want)
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %v", !tc.unsupported)
			}
		})
	}
}
