package config

import (
	"net/netip"
	"strings"
	"testing"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func TestTranslateEDSCluster(t *testing.T) {
	var c clusterv3.Cluster
	if err := protojson.Unmarshal([]byte(`{"name": "outbound|80||httpbin", "type": "EDS",
		"eds_cluster_config": {"eds_config": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
		"service_name": "outbound|80||httpbin.default.svc.cluster.local"}}`), &c); err != nil {
		t.Fatal(err)
	}
	got, err := TranslateCluster(&c)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != EDS || got.EDSServiceName != "outbound|80||httpbin.default.svc.cluster.local" || got.EDSInitialFetchTimeout() != 0 {
		t.Errorf("got type %s service %q timeout %v", got.Type, got.EDSServiceName, got.EDSInitialFetchTimeout())
	}
	c.EdsClusterConfig.EdsConfig.ConfigSourceSpecifier = &corev3.ConfigSource_Path{Path: "/x"}
	if _, err := TranslateCluster(&c); err == nil || !strings.Contains(err.Error(), "eds_config.path: not supported") {
		t.Errorf("eds_config from a path: %v", err)
	}
}

func TestTranslateLoadAssignment(t *testing.T) {
	ep := func(addr string, h corev3.HealthStatus) *endpointv3.LbEndpoint {
		return &endpointv3.LbEndpoint{HealthStatus: h, HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
			Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
				Address: addr, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 80},
			}}},
		}}}
	}
	cla := &endpointv3.ClusterLoadAssignment{ClusterName: "c", Endpoints: []*endpointv3.LocalityLbEndpoints{
		{LbEndpoints: []*endpointv3.LbEndpoint{ep("10.0.0.1", corev3.HealthStatus_HEALTHY), ep("10.0.0.2", corev3.HealthStatus_DRAINING)}},
		{Priority: 1, LbEndpoints: []*endpointv3.LbEndpoint{ep("10.0.0.3", corev3.HealthStatus_UNKNOWN)}},
	}}
	eps, err := TranslateLoadAssignment(cla)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 2 || eps[0].Address != "10.0.0.1" || eps[1].Address != "10.0.0.3" || eps[1].Priority != 1 {
		t.Errorf("endpoints = %+v", eps)
	}
	cla.Endpoints[0].LbEndpoints[0] = ep("host.example", corev3.HealthStatus_HEALTHY)
	_, err = TranslateLoadAssignment(cla)
	want := `cluster_load_assignment "c": endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address: "host.example" is not an IP address`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

// FuzzTranslateLoadAssignment feeds arbitrary encoded ClusterLoadAssignments to the EDS
// translator: it returns endpoints or an error, never panics, and every endpoint it returns has
// an IP address and a port.
func FuzzTranslateLoadAssignment(f *testing.F) {
	seed := &endpointv3.ClusterLoadAssignment{ClusterName: "c", Endpoints: []*endpointv3.LocalityLbEndpoints{{
		LbEndpoints: []*endpointv3.LbEndpoint{{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
			Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
				Address: "10.0.0.1", PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 80},
			}}},
		}}}},
	}}}
	b, _ := proto.Marshal(seed)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		var cla endpointv3.ClusterLoadAssignment
		if proto.Unmarshal(b, &cla) != nil {
			return
		}
		eps, err := TranslateLoadAssignment(&cla)
		if err != nil {
			return
		}
		for _, ep := range eps {
			if _, perr := netip.ParseAddr(ep.Address); perr != nil || ep.Port == 0 || ep.Port > 65535 {
				t.Fatalf("endpoint %+v accepted", ep)
			}
		}
	})
}
