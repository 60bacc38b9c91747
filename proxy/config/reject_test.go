package config

import (
	"errors"
	"strings"
	"testing"

	udpav1 "github.com/cncf/xds/go/udpa/type/v1"
	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/config/accesslog/v3"
	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	filev3 "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/file/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tcpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// minimal returns a fresh copy of testdata/minimal.yaml.
func minimal(t testing.TB) *bootstrapv3.Bootstrap {
	t.Helper()
	b, err := Load("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lis(b *bootstrapv3.Bootstrap) *listenerv3.Listener { return b.StaticResources.Listeners[0] }
func chain(b *bootstrapv3.Bootstrap) *listenerv3.FilterChain {
	return lis(b).FilterChains[0]
}
func clu(b *bootstrapv3.Bootstrap) *clusterv3.Cluster { return b.StaticResources.Clusters[0] }
func lbEndpoint(b *bootstrapv3.Bootstrap) *endpointv3.LbEndpoint {
	return clu(b).LoadAssignment.Endpoints[0].LbEndpoints[0]
}

func mustAny(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	if err != nil {
		panic(err)
	}
	return a
}

// editTCP changes the tcp_proxy config of the first filter of the first chain.
func editTCP(b *bootstrapv3.Bootstrap, edit func(*tcpv3.TcpProxy)) {
	f := chain(b).Filters[0]
	tp := &tcpv3.TcpProxy{}
	if err := f.GetTypedConfig().UnmarshalTo(tp); err != nil {
		panic(err)
	}
	edit(tp)
	f.ConfigType = &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(tp)}
}

func tcpChain(name, cluster string) *listenerv3.FilterChain {
	return &listenerv3.FilterChain{Name: name, Filters: []*listenerv3.Filter{{
		Name:       "envoy.filters.network.tcp_proxy",
		ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(&tcpv3.TcpProxy{StatPrefix: name, ClusterSpecifier: &tcpv3.TcpProxy_Cluster{Cluster: cluster}})},
	}}}
}

func sockAddr(ip string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: ip, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port},
	}}}
}

// rejectCase is one bootstrap change that Translate must refuse with an error containing want.
type rejectCase struct {
	name        string
	edit        func(b *bootstrapv3.Bootstrap)
	want        string
	unsupported bool // the error wraps ErrUnsupported
}

func TestTranslateRejects(t *testing.T) {
	const (
		l0  = `listener "tcp_echo": static_resources.listeners[0].`
		fc0 = l0 + `filter_chains[0].`
		tp0 = fc0 + `filters[0].typed_config.`
		c0  = `cluster "echo_upstream": static_resources.clusters[0].`
		ep0 = c0 + `load_assignment.endpoints[0].lb_endpoints[0].`
	)
	cases := []rejectCase{
		// Bootstrap.
		{"dynamic_resources", func(b *bootstrapv3.Bootstrap) {
			b.DynamicResources = &bootstrapv3.Bootstrap_DynamicResources{}
			b.DynamicResources.LdsResourcesLocator = "xdstp://x"
		}, "dynamic_resources.lds_resources_locator: not supported", true},
		{"stats_flush_interval", func(b *bootstrapv3.Bootstrap) {
			b.StatsFlushInterval = durationpb.New(1)
		}, "stats_flush_interval: not supported", true},
		{"admin socket_options", func(b *bootstrapv3.Bootstrap) {
			b.Admin.SocketOptions = []*corev3.SocketOption{{Level: 1, Name: 36}}
		}, "admin.socket_options: not supported", true},
		{"admin pipe address", func(b *bootstrapv3.Bootstrap) {
			b.Admin.Address = &corev3.Address{Address: &corev3.Address_Pipe{Pipe: &corev3.Pipe{Path: "/tmp/a"}}}
		}, "admin.address.pipe: not supported", true},
		{"secrets", func(b *bootstrapv3.Bootstrap) {
			b.StaticResources.Secrets = append(b.StaticResources.Secrets, nil)
		}, "static_resources.secrets: not supported", true},
		{"disk runtime layer", func(b *bootstrapv3.Bootstrap) {
			b.LayeredRuntime = &bootstrapv3.LayeredRuntime{Layers: []*bootstrapv3.RuntimeLayer{{
				Name: "disk", LayerSpecifier: &bootstrapv3.RuntimeLayer_DiskLayer_{DiskLayer: &bootstrapv3.RuntimeLayer_DiskLayer{}},
			}}}
		}, "layered_runtime.layers[0].disk_layer: not supported", true},
		{"runtime list", func(b *bootstrapv3.Bootstrap) {
			s, _ := structpb.NewStruct(map[string]any{"a": map[string]any{"b": []any{1}}})
			b.LayeredRuntime = &bootstrapv3.LayeredRuntime{Layers: []*bootstrapv3.RuntimeLayer{{
				Name: "static", LayerSpecifier: &bootstrapv3.RuntimeLayer_StaticLayer{StaticLayer: s},
			}}}
		}, `layered_runtime.layers[0].static_layer["a.b"]: only string`, false},

		// Listener.
		{"listener filter of another kind", func(b *bootstrapv3.Bootstrap) {
			lis(b).ListenerFilters = []*listenerv3.ListenerFilter{{Name: "x", ConfigType: &listenerv3.ListenerFilter_TypedConfig{
				TypedConfig: mustAny(&tcpv3.TcpProxy{})}}}
		}, l0 + "listener_filters[0].typed_config: envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy is not supported as a listener filter", true},
		{"additional_addresses", func(b *bootstrapv3.Bootstrap) {
			lis(b).AdditionalAddresses = []*listenerv3.AdditionalAddress{{Address: sockAddr("127.0.0.2", 1)}}
		}, l0 + "additional_addresses: not supported", true},
		{"freebind true", func(b *bootstrapv3.Bootstrap) {
			lis(b).Freebind = wrapperspb.Bool(true)
		}, l0 + "freebind: true is not supported", true},
		{"buffer limit 0", func(b *bootstrapv3.Bootstrap) {
			lis(b).PerConnectionBufferLimitBytes = wrapperspb.UInt32(0)
		}, l0 + "per_connection_buffer_limit_bytes: 0 (unlimited) is not supported", true},
		{"socket option other than SO_MARK", func(b *bootstrapv3.Bootstrap) {
			lis(b).SocketOptions = []*corev3.SocketOption{{Level: 1, Name: 2, Value: &corev3.SocketOption_IntValue{IntValue: 1}}}
		}, l0 + "socket_options[0]: level 1 name 2 not supported", true},
		{"socket option state", func(b *bootstrapv3.Bootstrap) {
			lis(b).SocketOptions = []*corev3.SocketOption{{Level: 1, Name: 36, State: corev3.SocketOption_STATE_LISTENING}}
		}, l0 + "socket_options[0].state: not supported", true},
		{"SO_MARK buf_value", func(b *bootstrapv3.Bootstrap) {
			lis(b).SocketOptions = []*corev3.SocketOption{{Level: 1, Name: 36, Value: &corev3.SocketOption_BufValue{BufValue: []byte{1}}}}
		}, l0 + "socket_options[0].buf_value: not supported", true},
		{"SO_MARK out of range", func(b *bootstrapv3.Bootstrap) {
			lis(b).SocketOptions = []*corev3.SocketOption{{Level: 1, Name: 36, Value: &corev3.SocketOption_IntValue{IntValue: 1 << 40}}}
		}, l0 + "socket_options[0].int_value: SO_MARK", false},
		{"UDP listener", func(b *bootstrapv3.Bootstrap) {
			lis(b).Address.GetSocketAddress().Protocol = corev3.SocketAddress_UDP
		}, l0 + "address.socket_address.protocol: UDP not supported", true},
		{"named_port", func(b *bootstrapv3.Bootstrap) {
			lis(b).Address.GetSocketAddress().PortSpecifier = &corev3.SocketAddress_NamedPort{NamedPort: "http"}
		}, l0 + "address.socket_address.named_port: not supported", true},
		{"listener hostname", func(b *bootstrapv3.Bootstrap) {
			lis(b).Address.GetSocketAddress().Address = "localhost"
		}, l0 + `address.socket_address.address: "localhost" is not an IP address`, false},
		{"listener without chains", func(b *bootstrapv3.Bootstrap) {
			lis(b).FilterChains = nil
		}, l0 + "filter_chains: at least one", false},
		{"duplicate listener name", func(b *bootstrapv3.Bootstrap) {
			l := proto.Clone(lis(b)).(*listenerv3.Listener)
			l.Address = sockAddr("127.0.0.1", 10002)
			b.StaticResources.Listeners = append(b.StaticResources.Listeners, l)
		}, `listener "tcp_echo": static_resources.listeners[1].name: name already used by listeners[0]`, false},
		{"duplicate listener address", func(b *bootstrapv3.Bootstrap) {
			l := proto.Clone(lis(b)).(*listenerv3.Listener)
			l.Name = "other"
			b.StaticResources.Listeners = append(b.StaticResources.Listeners, l)
		}, `listener "other": static_resources.listeners[1].address: 127.0.0.1:10000 already used`, false},

		// Filter chains.
		{"transport_socket of another kind", func(b *bootstrapv3.Bootstrap) {
			chain(b).TransportSocket = &corev3.TransportSocket{Name: "x", ConfigType: &corev3.TransportSocket_TypedConfig{
				TypedConfig: mustAny(&tcpv3.TcpProxy{})}}
		}, fc0 + "transport_socket.typed_config: envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy is not supported as a transport socket", true},
		{"bad server name", func(b *bootstrapv3.Bootstrap) {
			chain(b).FilterChainMatch = &listenerv3.FilterChainMatch{ServerNames: []string{"a.*.example"}}
		}, fc0 + `filter_chain_match.server_names[0]: "a.*.example" is not a server name`, false},
		{"transport_protocol other than raw_buffer and tls", func(b *bootstrapv3.Bootstrap) {
			chain(b).FilterChainMatch = &listenerv3.FilterChainMatch{TransportProtocol: "quic"}
		}, fc0 + `filter_chain_match.transport_protocol: "quic" not supported`, true},
		{"bad prefix", func(b *bootstrapv3.Bootstrap) {
			chain(b).FilterChainMatch = &listenerv3.FilterChainMatch{PrefixRanges: []*corev3.CidrRange{{AddressPrefix: "10.0.0.0", PrefixLen: wrapperspb.UInt32(33)}}}
		}, fc0 + "filter_chain_match.prefix_ranges[0].prefix_len: 33 is longer", false},
		{"destination port 0", func(b *bootstrapv3.Bootstrap) {
			chain(b).FilterChainMatch = &listenerv3.FilterChainMatch{DestinationPort: wrapperspb.UInt32(70000)}
		}, fc0 + "filter_chain_match.destination_port: port 70000 out of range", false},
		{"same matches", func(b *bootstrapv3.Bootstrap) {
			lis(b).FilterChains = append(lis(b).FilterChains, tcpChain("second", "echo_upstream"))
		}, l0 + `filter_chains[1]: filter chain "second" has the same matching rules as filter_chains[0]`, false},
		{"overlapping matches", func(b *bootstrapv3.Bootstrap) {
			a, c := tcpChain("a", "x"), tcpChain("c", "x")
			a.FilterChainMatch = &listenerv3.FilterChainMatch{SourcePorts: []uint32{1, 2}}
			c.FilterChainMatch = &listenerv3.FilterChainMatch{SourcePorts: []uint32{2, 3}}
			lis(b).FilterChains = append(lis(b).FilterChains, a, c)
		}, l0 + `filter_chains[2]: filter chain "c" has the same matching rules as filter_chains[1] ("a")`, false},
		{"default chain match", func(b *bootstrapv3.Bootstrap) {
			d := tcpChain("d", "echo_upstream")
			d.FilterChainMatch = &listenerv3.FilterChainMatch{DestinationPort: wrapperspb.UInt32(1)}
			lis(b).DefaultFilterChain = d
		}, l0 + "default_filter_chain.filter_chain_match: not supported", true},
		{"two filters", func(b *bootstrapv3.Bootstrap) {
			chain(b).Filters = append(chain(b).Filters, chain(b).Filters[0])
		}, fc0 + "filters[1]: not supported after a terminal filter", true},
		{"no filters", func(b *bootstrapv3.Bootstrap) {
			chain(b).Filters = nil
		}, fc0 + "filters: a network filter is required", false},
		{"filter config_discovery", func(b *bootstrapv3.Bootstrap) {
			chain(b).Filters[0].ConfigType = &listenerv3.Filter_ConfigDiscovery{ConfigDiscovery: &corev3.ExtensionConfigSource{}}
		}, fc0 + "filters[0].config_discovery: not supported", true},
		{"http_connection_manager", func(b *bootstrapv3.Bootstrap) {
			chain(b).Filters[0].ConfigType = &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(&hcmv3.HttpConnectionManager{StatPrefix: "h"})}
		}, fc0 + "filters[0].typed_config.route_config: route_config or rds is required", false},
		{"TypedStruct", func(b *bootstrapv3.Bootstrap) {
			chain(b).Filters[0].ConfigType = &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(&udpav1.TypedStruct{TypeUrl: "type.skiff.dev/skiff.Nothing"})}
		}, fc0 + `filters[0].typed_config: udpa.type.v1.TypedStruct with type_url "type.skiff.dev/skiff.Nothing" not supported`, true},

		// tcp_proxy.
		{"tcp_proxy access_log", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) {
				tp.AccessLog = []*accesslogv3.AccessLog{{Name: "file", ConfigType: &accesslogv3.AccessLog_TypedConfig{TypedConfig: mustAny(&filev3.FileAccessLog{Path: "/dev/stdout"})}}}
			})
		}, tp0 + "access_log: not supported", true},
		{"tcp_proxy metadata_match", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) { tp.MetadataMatch = &corev3.Metadata{} })
		}, tp0 + "metadata_match: not supported", true},
		{"weighted cluster metadata_match", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) {
				tp.ClusterSpecifier = &tcpv3.TcpProxy_WeightedClusters{WeightedClusters: &tcpv3.TcpProxy_WeightedCluster{
					Clusters: []*tcpv3.TcpProxy_WeightedCluster_ClusterWeight{{Name: "a", Weight: 1, MetadataMatch: &corev3.Metadata{}}},
				}}
			})
		}, tp0 + "weighted_clusters.clusters[0].metadata_match: not supported", true},
		{"weighted cluster weight 0", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) {
				tp.ClusterSpecifier = &tcpv3.TcpProxy_WeightedClusters{WeightedClusters: &tcpv3.TcpProxy_WeightedCluster{
					Clusters: []*tcpv3.TcpProxy_WeightedCluster_ClusterWeight{{Name: "a", Weight: 1}, {Name: "b"}},
				}}
			})
		}, tp0 + "weighted_clusters.clusters[1].weight: must be at least 1", false},
		{"tcp_proxy without stat_prefix", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) { tp.StatPrefix = "" })
		}, tp0 + "stat_prefix: required", false},
		{"tcp_proxy without cluster", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) { tp.ClusterSpecifier = nil })
		}, fc0 + "filters[0].typed_config: cluster or weighted_clusters is required", false},
		{"tcp_proxy negative idle_timeout", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) { tp.IdleTimeout = durationpb.New(-1) })
		}, tp0 + "idle_timeout: -1ns is less than 0s", false},
		{"tcp_proxy max_connect_attempts 0", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) { tp.MaxConnectAttempts = wrapperspb.UInt32(0) })
		}, tp0 + "max_connect_attempts: must be at least 1", false},
		{"tcp_proxy tunneling_config", func(b *bootstrapv3.Bootstrap) {
			editTCP(b, func(tp *tcpv3.TcpProxy) { tp.TunnelingConfig = &tcpv3.TcpProxy_TunnelingConfig{Hostname: "h"} })
		}, tp0 + "tunneling_config: not supported", true},

		// Clusters.
		{"LOGICAL_DNS", func(b *bootstrapv3.Bootstrap) {
			clu(b).ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_LOGICAL_DNS}
		}, c0 + "type: LOGICAL_DNS not supported", true},
		{"cluster_type", func(b *bootstrapv3.Bootstrap) {
			clu(b).ClusterDiscoveryType = &clusterv3.Cluster_ClusterType{ClusterType: &clusterv3.Cluster_CustomClusterType{Name: "x"}}
		}, c0 + "cluster_type: not supported", true},
		{"RING_HASH", func(b *bootstrapv3.Bootstrap) {
			clu(b).LbPolicy = clusterv3.Cluster_RING_HASH
		}, c0 + "lb_policy: RING_HASH not supported", true},
		{"health_checks", func(b *bootstrapv3.Bootstrap) {
			clu(b).HealthChecks = []*corev3.HealthCheck{{}}
		}, c0 + "health_checks: not supported", true},
		{"outlier_detection", func(b *bootstrapv3.Bootstrap) {
			clu(b).OutlierDetection = &clusterv3.OutlierDetection{}
		}, c0 + "outlier_detection: not supported", true},
		{"transport_socket on cluster", func(b *bootstrapv3.Bootstrap) {
			clu(b).TransportSocket = &corev3.TransportSocket{Name: "tls"}
		}, c0 + "transport_socket: not supported", true},
		{"common_lb_config not empty", func(b *bootstrapv3.Bootstrap) {
			clu(b).CommonLbConfig = &clusterv3.Cluster_CommonLbConfig{UpdateMergeWindow: durationpb.New(0)}
		}, c0 + "common_lb_config.update_merge_window: not supported", true},
		{"least_request active_request_bias", func(b *bootstrapv3.Bootstrap) {
			clu(b).LbConfig = &clusterv3.Cluster_LeastRequestLbConfig_{LeastRequestLbConfig: &clusterv3.Cluster_LeastRequestLbConfig{ActiveRequestBias: &corev3.RuntimeDouble{}}}
		}, c0 + "least_request_lb_config.active_request_bias: not supported", true},
		{"choice_count 1", func(b *bootstrapv3.Bootstrap) {
			clu(b).LbConfig = &clusterv3.Cluster_LeastRequestLbConfig_{LeastRequestLbConfig: &clusterv3.Cluster_LeastRequestLbConfig{ChoiceCount: wrapperspb.UInt32(1)}}
		}, c0 + "least_request_lb_config.choice_count: must be at least 2", false},
		{"connect_timeout 0", func(b *bootstrapv3.Bootstrap) {
			clu(b).ConnectTimeout = durationpb.New(0)
		}, c0 + "connect_timeout: 0s is less than 1ns", false},
		{"dns_refresh_rate too small", func(b *bootstrapv3.Bootstrap) {
			clu(b).DnsRefreshRate = durationpb.New(1000)
		}, c0 + "dns_refresh_rate: 1µs is less than 1ms", false},
		{"retry_budget", func(b *bootstrapv3.Bootstrap) {
			clu(b).CircuitBreakers = &clusterv3.CircuitBreakers{Thresholds: []*clusterv3.CircuitBreakers_Thresholds{{RetryBudget: &clusterv3.CircuitBreakers_Thresholds_RetryBudget{}}}}
		}, c0 + "circuit_breakers.thresholds[0].retry_budget: not supported", true},
		{"per_host_thresholds", func(b *bootstrapv3.Bootstrap) {
			clu(b).CircuitBreakers = &clusterv3.CircuitBreakers{PerHostThresholds: []*clusterv3.CircuitBreakers_Thresholds{{}}}
		}, c0 + "circuit_breakers.per_host_thresholds: not supported", true},
		{"duplicate threshold priority", func(b *bootstrapv3.Bootstrap) {
			clu(b).CircuitBreakers = &clusterv3.CircuitBreakers{Thresholds: []*clusterv3.CircuitBreakers_Thresholds{{}, {}}}
		}, c0 + "circuit_breakers.thresholds[1].priority: DEFAULT already set by thresholds[0]", false},
		{"lb_endpoint health_status", func(b *bootstrapv3.Bootstrap) {
			lbEndpoint(b).HealthStatus = corev3.HealthStatus_DRAINING
		}, ep0 + "health_status: not supported", true},
		{"endpoint health_check_config", func(b *bootstrapv3.Bootstrap) {
			lbEndpoint(b).GetEndpoint().HealthCheckConfig = &endpointv3.Endpoint_HealthCheckConfig{PortValue: 1}
		}, ep0 + "endpoint.health_check_config: not supported", true},
		{"locality proximity", func(b *bootstrapv3.Bootstrap) {
			clu(b).LoadAssignment.Endpoints[0].Proximity = wrapperspb.UInt32(1)
		}, c0 + "load_assignment.endpoints[0].proximity: not supported", true},
		{"load_assignment policy", func(b *bootstrapv3.Bootstrap) {
			clu(b).LoadAssignment.Policy = &endpointv3.ClusterLoadAssignment_Policy{}
		}, c0 + "load_assignment.policy: not supported", true},
		{"STATIC hostname", func(b *bootstrapv3.Bootstrap) {
			lbEndpoint(b).GetEndpoint().Address = sockAddr("upstream.example.com", 80)
		}, ep0 + `endpoint.address.socket_address.address: "upstream.example.com" is not an IP address`, false},
		{"STRICT_DNS bad hostname", func(b *bootstrapv3.Bootstrap) {
			clu(b).ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STRICT_DNS}
			lbEndpoint(b).GetEndpoint().Address = sockAddr("bad host", 80)
		}, ep0 + `endpoint.address.socket_address.address: "bad host" is not a valid hostname`, false},
		{"endpoint port 0", func(b *bootstrapv3.Bootstrap) {
			lbEndpoint(b).GetEndpoint().Address = sockAddr("127.0.0.1", 0)
		}, ep0 + "endpoint.address.socket_address.port_value: port 0 out of range 1..65535", false},
		{"endpoint weight 0", func(b *bootstrapv3.Bootstrap) {
			lbEndpoint(b).LoadBalancingWeight = wrapperspb.UInt32(0)
		}, ep0 + "load_balancing_weight: must be at least 1", false},
		{"endpoint without address", func(b *bootstrapv3.Bootstrap) {
			lbEndpoint(b).GetEndpoint().Address = nil
		}, ep0 + "endpoint.address.socket_address: required", false},
		{"nested envoy.lb metadata", func(b *bootstrapv3.Bootstrap) {
			s, _ := structpb.NewStruct(map[string]any{"zone": map[string]any{"a": "b"}})
			lbEndpoint(b).Metadata = &corev3.Metadata{FilterMetadata: map[string]*structpb.Struct{"envoy.lb": s}}
		}, ep0 + `metadata.filter_metadata["envoy.lb"].zone: only string, number and bool values`, false},
		{"duplicate cluster name", func(b *bootstrapv3.Bootstrap) {
			b.StaticResources.Clusters = append(b.StaticResources.Clusters, proto.Clone(clu(b)).(*clusterv3.Cluster))
		}, `cluster "echo_upstream": static_resources.clusters[1].name: name already used by clusters[0]`, false},
		{"Envoy value rules", func(b *bootstrapv3.Bootstrap) {
			clu(b).LoadAssignment.ClusterName = ""
		}, c0[:len(c0)-1] + ": invalid Cluster.LoadAssignment", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := minimal(t)
			tc.edit(b)
			s, err := Translate(b)
			if err == nil {
				t.Fatalf("Translate accepted it: %+v", s)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tc.want)
			}
			if got := errors.Is(err, ErrUnsupported); got != tc.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %t, want %t", got, tc.unsupported)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error %q is not a *FieldError", err)
			}
		})
	}
}
