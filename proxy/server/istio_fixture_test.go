package server

import (
	"fmt"
	"net/netip"
	"time"

	udpav1 "github.com/cncf/xds/go/udpa/type/v1"
	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	grpcstatsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/grpc_stats/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	http_inspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/http_inspector/v3"
	original_dstv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/original_dst/v3"
	tls_inspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/tls_inspector/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tcpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The Istio fixture: the listeners and clusters istiod sends a sidecar in PERMISSIVE mode, built
// with go-control-plane types in the shapes of Istio's own config dumps, for one HTTP service
// (httpbin on 8080) and one TCP service (a Dubbo provider on 20880). See docs/istio.md.

// istioMesh says where the fixture's pieces are.
type istioMesh struct {
	// CaptureIP is the address of virtualOutbound and virtualInbound (Istio: 0.0.0.0).
	CaptureIP string
	// OutboundPort and InboundPort are the capture ports (Istio: 15001 and 15006).
	OutboundPort, InboundPort uint32
	// Transparent sets IP_TRANSPARENT on the capture listeners (TPROXY interception).
	Transparent bool
	// Mark is the SO_MARK of the capture listeners; 0 = none.
	Mark int64
	// HTTPPort is httpbin's service port; HTTPBinVIP its service address (a domain of the route).
	HTTPPort   uint32
	HTTPBinVIP string
	// HTTPBin is the endpoint of outbound|8080||httpbin.default.svc.cluster.local.
	HTTPBin netip.AddrPort
	// DubboPort is the Dubbo provider's service port, Dubbo its endpoint.
	DubboPort uint32
	Dubbo     netip.AddrPort
	// InboundSource is the source address of inbound upstream connections (Istio: 127.0.0.6).
	InboundSource string
	// Dynamic uses RDS for the outbound HTTP listener and EDS for the outbound clusters, as
	// istiod does; otherwise the route is inline and the clusters STATIC.
	Dynamic bool
}

const (
	httpbinHost = "httpbin.default.svc.cluster.local"
	dubboHost   = "dubbo-provider.default.svc.cluster.local"
)

func (m istioMesh) httpbinCluster() string {
	return fmt.Sprintf("outbound|%d||%s", m.HTTPPort, httpbinHost)
}

func (m istioMesh) dubboCluster() string {
	return fmt.Sprintf("outbound|%d||%s", m.DubboPort, dubboHost)
}

// bootstrap is the fixture as a static bootstrap with an admin address.
func (m istioMesh) bootstrap(admin string, adminPort uint32) *bootstrapv3.Bootstrap {
	return &bootstrapv3.Bootstrap{
		Admin:           &bootstrapv3.Admin{Address: address(admin, adminPort)},
		StaticResources: &bootstrapv3.Bootstrap_StaticResources{Listeners: m.listeners(), Clusters: m.clusters()},
	}
}

func (m istioMesh) listeners() []*listenerv3.Listener {
	return []*listenerv3.Listener{m.virtualOutbound(), m.virtualInbound(), m.outboundHTTP(), m.outboundTCP()}
}

func (m istioMesh) clusters() []*clusterv3.Cluster {
	inbound := func(name string) *clusterv3.Cluster {
		c := originalDst(name)
		c.UpstreamBindConfig = &corev3.BindConfig{SourceAddress: address(m.InboundSource, 0).GetSocketAddress()}
		return c
	}
	return []*clusterv3.Cluster{
		originalDst("PassthroughCluster"),
		{Name: "BlackHoleCluster", ConnectTimeout: durationpb.New(10 * time.Second),
			ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC}},
		inbound("InboundPassthroughCluster"),
		inbound(fmt.Sprintf("inbound|%d||", m.HTTPPort)),
		inbound(fmt.Sprintf("inbound|%d||", m.DubboPort)),
		m.outboundCluster(m.httpbinCluster(), m.HTTPBin),
		m.outboundCluster(m.dubboCluster(), m.Dubbo),
	}
}

// virtualOutbound captures outbound connections and hands them to the listener of their
// original destination; what no listener takes goes to PassthroughCluster.
func (m istioMesh) virtualOutbound() *listenerv3.Listener {
	return &listenerv3.Listener{
		Name: "virtualOutbound", Address: address(m.CaptureIP, m.OutboundPort),
		UseOriginalDst: wrapperspb.Bool(true), Transparent: m.transparent(), SocketOptions: m.mark(),
		TrafficDirection: corev3.TrafficDirection_OUTBOUND,
		FilterChains: append(blackhole("virtualOutbound-blackhole", m.OutboundPort), &listenerv3.FilterChain{
			Name: "virtualOutbound-catchall-tcp", Filters: []*listenerv3.Filter{
				istioStats(), tcpProxyFilter("PassthroughCluster", "PassthroughCluster")}}),
	}
}

// blackhole is the chain that drops connections addressed to the capture port itself; none
// when the port is not known in advance (0).
func blackhole(name string, port uint32) []*listenerv3.FilterChain {
	if port == 0 {
		return nil
	}
	return []*listenerv3.FilterChain{{Name: name, FilterChainMatch: &listenerv3.FilterChainMatch{
		DestinationPort: wrapperspb.UInt32(port)},
		Filters: []*listenerv3.Filter{tcpProxyFilter("BlackHoleCluster", "BlackHoleCluster")}}}
}

// virtualInbound serves captured inbound connections by destination port, transport protocol
// and ALPN: mTLS chains (which need TLS termination) and plaintext chains for each port, and
// passthrough chains for ports no service declares.
func (m istioMesh) virtualInbound() *listenerv3.Listener {
	httpALPN := []string{"http/1.1", "http/1.0", "h2c"}
	inHTTP := fmt.Sprintf("inbound|%d||", m.HTTPPort)
	inDubbo := fmt.Sprintf("inbound|%d||", m.DubboPort)
	return &listenerv3.Listener{
		Name: "virtualInbound", Address: address(m.CaptureIP, m.InboundPort),
		Transparent: m.transparent(), SocketOptions: m.mark(),
		TrafficDirection: corev3.TrafficDirection_INBOUND,
		ListenerFilters: []*listenerv3.ListenerFilter{
			listenerFilter("envoy.filters.listener.original_dst", &original_dstv3.OriginalDst{}, nil),
			listenerFilter("envoy.filters.listener.tls_inspector", &tls_inspectorv3.TlsInspector{}, nil),
			listenerFilter("envoy.filters.listener.http_inspector", &http_inspectorv3.HttpInspector{},
				&listenerv3.ListenerFilterChainMatchPredicate{Rule: &listenerv3.ListenerFilterChainMatchPredicate_DestinationPortRange{
					DestinationPortRange: &typev3.Int32Range{Start: int32(m.DubboPort), End: int32(m.DubboPort) + 1}}}),
		},
		ListenerFiltersTimeout:           durationpb.New(time.Second),
		ContinueOnListenerFiltersTimeout: true,
		FilterChains: append(blackhole("virtualInbound-blackhole", m.InboundPort),
			mtls(inboundChain(m.HTTPPort, "tls", []string{"istio-http/1.0", "istio-http/1.1", "istio-h2"},
				hcmFilter(fmt.Sprintf("inbound_0.0.0.0_%d", m.HTTPPort), inlineRoute(inHTTP, "inbound|http|"+fmt.Sprint(m.HTTPPort), []string{"*"}, inHTTP)))),
			inboundChain(m.HTTPPort, "raw_buffer", httpALPN,
				hcmFilter(fmt.Sprintf("inbound_0.0.0.0_%d", m.HTTPPort), inlineRoute(inHTTP, "inbound|http|"+fmt.Sprint(m.HTTPPort), []string{"*"}, inHTTP))),
			mtls(inboundChain(m.DubboPort, "tls", []string{"istio-peer-exchange", "istio"},
				metadataExchange(), istioStats(), tcpProxyFilter(inDubbo, inDubbo))),
			inboundChain(m.DubboPort, "raw_buffer", nil, istioStats(), tcpProxyFilter(inDubbo, inDubbo)),
			&listenerv3.FilterChain{Name: "virtualInbound-catchall-http", FilterChainMatch: &listenerv3.FilterChainMatch{
				PrefixRanges:      []*corev3.CidrRange{{AddressPrefix: "0.0.0.0", PrefixLen: wrapperspb.UInt32(0)}},
				TransportProtocol: "raw_buffer", ApplicationProtocols: httpALPN},
				Filters: []*listenerv3.Filter{hcmFilter("InboundPassthroughCluster",
					inlineRoute("InboundPassthroughCluster", "inbound|http|0", []string{"*"}, "InboundPassthroughCluster"))}},
			&listenerv3.FilterChain{Name: "virtualInbound", FilterChainMatch: &listenerv3.FilterChainMatch{
				PrefixRanges:      []*corev3.CidrRange{{AddressPrefix: "0.0.0.0", PrefixLen: wrapperspb.UInt32(0)}},
				TransportProtocol: "raw_buffer"},
				Filters: []*listenerv3.Filter{istioStats(), tcpProxyFilter("InboundPassthroughCluster", "InboundPassthroughCluster")}},
		),
	}
}

// outboundHTTP is 0.0.0.0_8080: no socket of its own, it serves what virtualOutbound hands it.
func (m istioMesh) outboundHTTP() *listenerv3.Listener {
	name := fmt.Sprintf("0.0.0.0_%d", m.HTTPPort)
	hcm := &hcmv3.HttpConnectionManager{StatPrefix: "outbound_" + name, HttpFilters: httpFilters()}
	route := fmt.Sprint(m.HTTPPort)
	if m.Dynamic {
		hcm.RouteSpecifier = &hcmv3.HttpConnectionManager_Rds{Rds: &hcmv3.Rds{RouteConfigName: route,
			ConfigSource: &corev3.ConfigSource{ResourceApiVersion: corev3.ApiVersion_V3,
				ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}}}}}
	} else {
		hcm.RouteSpecifier = &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: m.outboundRoute()}
	}
	return &listenerv3.Listener{
		Name: name, Address: address("0.0.0.0", m.HTTPPort), BindToPort: wrapperspb.Bool(false),
		TrafficDirection: corev3.TrafficDirection_OUTBOUND,
		FilterChains: []*listenerv3.FilterChain{{Name: name, Filters: []*listenerv3.Filter{
			{Name: "envoy.filters.network.http_connection_manager", ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAnyOf(hcm)}}}}},
	}
}

// outboundRoute is RDS route configuration "8080": httpbin's virtual host, then allow_any.
func (m istioMesh) outboundRoute() *routev3.RouteConfiguration {
	port := fmt.Sprint(m.HTTPPort)
	domains := []string{httpbinHost, httpbinHost + ":" + port, "httpbin", "httpbin:" + port,
		"httpbin.default", "httpbin.default:" + port, m.HTTPBinVIP, m.HTTPBinVIP + ":" + port}
	rc := inlineRoute(port, httpbinHost+":"+port, domains, m.httpbinCluster())
	rc.VirtualHosts = append(rc.VirtualHosts, &routev3.VirtualHost{Name: "allow_any", Domains: []string{"*"},
		Routes: []*routev3.Route{routeTo("PassthroughCluster")}})
	return rc
}

// outboundTCP is 0.0.0.0_20880: a tcp_proxy to the Dubbo provider's cluster.
func (m istioMesh) outboundTCP() *listenerv3.Listener {
	name := fmt.Sprintf("0.0.0.0_%d", m.DubboPort)
	return &listenerv3.Listener{
		Name: name, Address: address("0.0.0.0", m.DubboPort), BindToPort: wrapperspb.Bool(false),
		TrafficDirection: corev3.TrafficDirection_OUTBOUND,
		FilterChains: []*listenerv3.FilterChain{{Name: name, Filters: []*listenerv3.Filter{
			metadataExchange(), istioStats(), tcpProxyFilter(m.dubboCluster(), m.dubboCluster())}}},
	}
}

// outboundCluster is an outbound service cluster: EDS when Dynamic, else STATIC with ep.
func (m istioMesh) outboundCluster(name string, ep netip.AddrPort) *clusterv3.Cluster {
	c := &clusterv3.Cluster{Name: name, ConnectTimeout: durationpb.New(10 * time.Second),
		LbPolicy: clusterv3.Cluster_LEAST_REQUEST, Metadata: istioMetadata(name)}
	if m.Dynamic {
		c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_EDS}
		c.EdsClusterConfig = &clusterv3.Cluster_EdsClusterConfig{ServiceName: name, EdsConfig: &corev3.ConfigSource{
			ResourceApiVersion: corev3.ApiVersion_V3, ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}}}}
		return c
	}
	c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC}
	c.LoadAssignment = assignment(name, ep)
	return c
}

// assignment is the ClusterLoadAssignment of one endpoint.
func assignment(name string, ep netip.AddrPort) *endpointv3.ClusterLoadAssignment {
	return &endpointv3.ClusterLoadAssignment{ClusterName: name, Endpoints: []*endpointv3.LocalityLbEndpoints{{
		LbEndpoints: []*endpointv3.LbEndpoint{{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{
			Endpoint: &endpointv3.Endpoint{Address: address(ep.Addr().String(), uint32(ep.Port()))}}}}}}}
}

func (m istioMesh) transparent() *wrapperspb.BoolValue {
	if !m.Transparent {
		return nil
	}
	return wrapperspb.Bool(true)
}

func (m istioMesh) mark() []*corev3.SocketOption {
	if m.Mark == 0 {
		return nil
	}
	return []*corev3.SocketOption{{Level: 1, Name: 36, Value: &corev3.SocketOption_IntValue{IntValue: m.Mark}}}
}

func originalDst(name string) *clusterv3.Cluster {
	return &clusterv3.Cluster{Name: name, ConnectTimeout: durationpb.New(10 * time.Second),
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_ORIGINAL_DST},
		LbPolicy:             clusterv3.Cluster_CLUSTER_PROVIDED}
}

func istioMetadata(name string) *corev3.Metadata {
	s, _ := structpb.NewStruct(map[string]any{"default_original_port": 0, "services": []any{
		map[string]any{"name": name, "namespace": "default"}}})
	return &corev3.Metadata{FilterMetadata: map[string]*structpb.Struct{"istio": s}}
}

// inboundChain is a virtualInbound chain for one destination port.
func inboundChain(port uint32, transport string, alpn []string, filters ...*listenerv3.Filter) *listenerv3.FilterChain {
	return &listenerv3.FilterChain{
		Name: fmt.Sprintf("0.0.0.0_%d", port),
		FilterChainMatch: &listenerv3.FilterChainMatch{DestinationPort: wrapperspb.UInt32(port),
			TransportProtocol: transport, ApplicationProtocols: alpn},
		Filters: filters,
	}
}

// mtls gives a chain Istio's mTLS transport socket (certificates over SDS).
func mtls(c *listenerv3.FilterChain) *listenerv3.FilterChain {
	sds := func(name string) *tlsv3.SdsSecretConfig {
		return &tlsv3.SdsSecretConfig{Name: name, SdsConfig: &corev3.ConfigSource{ResourceApiVersion: corev3.ApiVersion_V3,
			ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}}}}
	}
	ctx := &tlsv3.DownstreamTlsContext{RequireClientCertificate: wrapperspb.Bool(true),
		CommonTlsContext: &tlsv3.CommonTlsContext{
			AlpnProtocols:                  []string{"h2", "http/1.1"},
			TlsCertificateSdsSecretConfigs: []*tlsv3.SdsSecretConfig{sds("default")},
			ValidationContextType: &tlsv3.CommonTlsContext_ValidationContextSdsSecretConfig{
				ValidationContextSdsSecretConfig: sds("ROOTCA")},
		}}
	c.TransportSocket = &corev3.TransportSocket{Name: "envoy.transport_sockets.tls",
		ConfigType: &corev3.TransportSocket_TypedConfig{TypedConfig: mustAnyOf(ctx)}}
	return c
}

func tcpProxyFilter(statPrefix, cluster string) *listenerv3.Filter {
	return &listenerv3.Filter{Name: "envoy.filters.network.tcp_proxy", ConfigType: &listenerv3.Filter_TypedConfig{
		TypedConfig: mustAnyOf(&tcpv3.TcpProxy{StatPrefix: statPrefix, ClusterSpecifier: &tcpv3.TcpProxy_Cluster{Cluster: cluster}})}}
}

func hcmFilter(statPrefix string, rc *routev3.RouteConfiguration) *listenerv3.Filter {
	hcm := &hcmv3.HttpConnectionManager{StatPrefix: statPrefix, HttpFilters: httpFilters(),
		RouteSpecifier: &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: rc}}
	return &listenerv3.Filter{Name: "envoy.filters.network.http_connection_manager",
		ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAnyOf(hcm)}}
}

// httpFilters are Istio's HTTP filters: telemetry-only ones, then the router.
func httpFilters() []*hcmv3.HttpFilter {
	f := func(name string, tc *anypb.Any) *hcmv3.HttpFilter {
		return &hcmv3.HttpFilter{Name: name, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: tc}}
	}
	return []*hcmv3.HttpFilter{
		f("istio.metadata_exchange", typedStructOf("type.googleapis.com/io.istio.http.peer_metadata.Config", map[string]any{
			"upstream_discovery": []any{map[string]any{"istio_headers": map[string]any{}}}})),
		f("envoy.filters.http.grpc_stats", mustAnyOf(&grpcstatsv3.FilterConfig{EmitFilterState: true,
			PerMethodStatSpecifier: &grpcstatsv3.FilterConfig_StatsForAllMethods{StatsForAllMethods: wrapperspb.Bool(false)}})),
		f("istio.alpn", typedStructOf("type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig", map[string]any{
			"alpn_override": []any{map[string]any{"alpn_override": []any{"istio-http/1.1"}, "upstream_protocol": "HTTP11"}}})),
		f("istio.stats", typedStructOf("type.googleapis.com/stats.PluginConfig", map[string]any{"reporter": "SERVER_GATEWAY"})),
		f("envoy.filters.http.router", mustAnyOf(&routerv3.Router{})),
	}
}

func inlineRoute(name, vhost string, domains []string, cluster string) *routev3.RouteConfiguration {
	return &routev3.RouteConfiguration{Name: name, VirtualHosts: []*routev3.VirtualHost{{
		Name: vhost, Domains: domains, Routes: []*routev3.Route{routeTo(cluster)}}}}
}

func routeTo(cluster string) *routev3.Route {
	return &routev3.Route{Name: "default",
		Match:  &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}},
		Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: cluster}}}}
}

// metadataExchange is istio.metadata_exchange as a network filter. istiod sends its own
// config type; the fixture wraps it in a TypedStruct so that it survives YAML.
func metadataExchange() *listenerv3.Filter {
	return &listenerv3.Filter{Name: "istio.metadata_exchange", ConfigType: &listenerv3.Filter_TypedConfig{
		TypedConfig: typedStructOf("type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange",
			map[string]any{"protocol": "istio-peer-exchange"})}}
}

// istioStats is istio.stats as a network filter.
func istioStats() *listenerv3.Filter {
	return &listenerv3.Filter{Name: "istio.stats", ConfigType: &listenerv3.Filter_TypedConfig{
		TypedConfig: typedStructOf("type.googleapis.com/stats.PluginConfig", map[string]any{"reporter": "SERVER_GATEWAY"})}}
}

func listenerFilter(name string, cfg proto.Message, off *listenerv3.ListenerFilterChainMatchPredicate) *listenerv3.ListenerFilter {
	return &listenerv3.ListenerFilter{Name: name, FilterDisabled: off,
		ConfigType: &listenerv3.ListenerFilter_TypedConfig{TypedConfig: mustAnyOf(cfg)}}
}

func typedStructOf(url string, v map[string]any) *anypb.Any {
	s, err := structpb.NewStruct(v)
	if err != nil {
		panic(err)
	}
	return mustAnyOf(&udpav1.TypedStruct{TypeUrl: url, Value: s})
}

func mustAnyOf(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	if err != nil {
		panic(err)
	}
	return a
}

func address(ip string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: ip, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port}}}}
}
