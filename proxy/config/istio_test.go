package config

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	udpav1 "github.com/cncf/xds/go/udpa/type/v1"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	grpcstatsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/grpc_stats/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	http_inspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/http_inspector/v3"
	original_dstv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/original_dst/v3"
	tls_inspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/tls_inspector/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	rbacv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// matchedChain is a tcp_proxy chain with a filter_chain_match.
func matchedChain(name string, m *listenerv3.FilterChainMatch) *listenerv3.FilterChain {
	c := tcpChain(name, "c")
	c.FilterChainMatch = m
	return c
}

// protocolListener has chains on every level listener filters feed.
func protocolListener(t testing.TB) *Listener {
	t.Helper()
	fcm := func(port uint32, tp string, alpn []string, names ...string) *listenerv3.FilterChainMatch {
		m := &listenerv3.FilterChainMatch{TransportProtocol: tp, ApplicationProtocols: alpn, ServerNames: names}
		if port != 0 {
			m.DestinationPort = wrapperspb.UInt32(port)
		}
		return m
	}
	l, err := TranslateListener(&listenerv3.Listener{
		Name: "l", Address: sockAddr("0.0.0.0", 15006),
		FilterChains: []*listenerv3.FilterChain{
			matchedChain("8080_mtls", fcm(8080, "tls", []string{"istio-http/1.1", "istio"})),
			matchedChain("8080_tls", fcm(8080, "tls", nil)),
			matchedChain("8080_http", fcm(8080, "raw_buffer", []string{"http/1.1", "http/1.0", "h2c"})),
			matchedChain("8080_tcp", fcm(8080, "raw_buffer", nil)),
			matchedChain("sni_exact", fcm(443, "", nil, "api.example.com")),
			matchedChain("sni_wild", fcm(443, "", nil, "*.example.com")),
			matchedChain("sni_deeper_wild", fcm(443, "", nil, "*.eu.example.com")),
			matchedChain("sni_none", fcm(443, "", nil)),
			matchedChain("any_port", fcm(0, "", nil)),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSelectProtocols(t *testing.T) {
	l := protocolListener(t)
	src := netip.MustParseAddrPort("10.0.0.9:40000")
	for _, tc := range []struct {
		name      string
		dst       string
		transport string
		alpn      []string
		sni       string
		want      string
	}{
		{"mTLS with Istio ALPN", "10.0.0.1:8080", "tls", []string{"istio-http/1.1"}, "", "8080_mtls"},
		{"first ALPN value that a chain names", "10.0.0.1:8080", "tls", []string{"h2", "istio"}, "", "8080_mtls"},
		{"TLS without Istio ALPN", "10.0.0.1:8080", "tls", []string{"h2"}, "", "8080_tls"},
		{"plaintext HTTP/1.1", "10.0.0.1:8080", "raw_buffer", []string{"http/1.1"}, "", "8080_http"},
		{"plaintext HTTP/1.0", "10.0.0.1:8080", "", []string{"http/1.0"}, "", "8080_http"},
		{"plaintext, not HTTP", "10.0.0.1:8080", "", nil, "", "8080_tcp"},
		{"exact server name", "10.0.0.1:443", "tls", nil, "api.example.com", "sni_exact"},
		{"wildcard server name", "10.0.0.1:443", "tls", nil, "www.example.com", "sni_wild"},
		{"longest wildcard wins", "10.0.0.1:443", "tls", nil, "a.eu.example.com", "sni_deeper_wild"},
		{"wildcard does not match the bare domain", "10.0.0.1:443", "tls", nil, "example.com", "sni_none"},
		{"no server name", "10.0.0.1:443", "raw_buffer", nil, "", "sni_none"},
		{"other port", "10.0.0.1:9999", "tls", []string{"istio"}, "x.example.com", "any_port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := l.SelectConn(&ConnInfo{Dst: netip.MustParseAddrPort(tc.dst), Src: src,
				TransportProtocol: tc.transport, ApplicationProtocols: tc.alpn, ServerName: tc.sni})
			if got == nil || got.Name != tc.want {
				t.Errorf("SelectConn = %v, want %q", got, tc.want)
			}
		})
	}
}

func TestSelectProtocolsDoesNotAllocate(t *testing.T) {
	l := protocolListener(t)
	ci := &ConnInfo{Dst: netip.MustParseAddrPort("10.0.0.1:443"), Src: netip.MustParseAddrPort("10.0.0.9:1"),
		TransportProtocol: "tls", ServerName: "a.eu.example.com", ApplicationProtocols: []string{"h2"}}
	if n := testing.AllocsPerRun(100, func() { l.SelectConn(ci) }); n != 0 {
		t.Errorf("SelectConn allocates %v times per call", n)
	}
}

func BenchmarkSelectProtocols(b *testing.B) {
	l := protocolListener(b)
	conns := []*ConnInfo{
		{Dst: netip.MustParseAddrPort("10.0.0.1:8080"), Src: netip.MustParseAddrPort("10.0.0.9:1"),
			TransportProtocol: "tls", ApplicationProtocols: []string{"istio-http/1.1"}},
		{Dst: netip.MustParseAddrPort("10.0.0.1:8080"), Src: netip.MustParseAddrPort("10.0.0.9:1"),
			ApplicationProtocols: []string{"http/1.1"}},
		{Dst: netip.MustParseAddrPort("10.0.0.1:443"), Src: netip.MustParseAddrPort("10.0.0.9:1"),
			TransportProtocol: "tls", ServerName: "a.eu.example.com"},
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if l.SelectConn(conns[i%len(conns)]) == nil {
			b.Fatal("no chain")
		}
		i++
	}
}

func TestSelectNoBacktrackingOverProtocols(t *testing.T) {
	// A chain naming ALPN under transport tls hides the port's chains without a transport
	// protocol, as in Envoy: a TLS connection with other ALPN values gets the default chain.
	l, err := TranslateListener(&listenerv3.Listener{
		Name: "l", Address: sockAddr("0.0.0.0", 1),
		FilterChains: []*listenerv3.FilterChain{
			matchedChain("tls_istio", &listenerv3.FilterChainMatch{TransportProtocol: "tls", ApplicationProtocols: []string{"istio"}}),
			matchedChain("any", nil),
		},
		DefaultFilterChain: tcpChain("default", "c"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ci := &ConnInfo{Dst: netip.MustParseAddrPort("1.2.3.4:1"), Src: netip.MustParseAddrPort("5.6.7.8:9"),
		TransportProtocol: "tls", ApplicationProtocols: []string{"h2"}}
	if got := l.SelectConn(ci); got.Name != "default" {
		t.Errorf("SelectConn = %q, want default", got.Name)
	}
	if got := l.Select(ci.Dst, ci.Src); got.Name != "any" {
		t.Errorf("Select (raw_buffer) = %q, want any", got.Name)
	}
}

// listenerFilter wraps a listener filter config.
func listenerFilter(name string, m proto.Message, off *listenerv3.ListenerFilterChainMatchPredicate) *listenerv3.ListenerFilter {
	return &listenerv3.ListenerFilter{Name: name, FilterDisabled: off,
		ConfigType: &listenerv3.ListenerFilter_TypedConfig{TypedConfig: mustAny(m)}}
}

func portRange(lo, hi int32) *listenerv3.ListenerFilterChainMatchPredicate {
	return &listenerv3.ListenerFilterChainMatchPredicate{Rule: &listenerv3.ListenerFilterChainMatchPredicate_DestinationPortRange{
		DestinationPortRange: &typev3.Int32Range{Start: lo, End: hi}}}
}

func TestListenerFilters(t *testing.T) {
	httpOff := &listenerv3.ListenerFilterChainMatchPredicate{Rule: &listenerv3.ListenerFilterChainMatchPredicate_OrMatch{
		OrMatch: &listenerv3.ListenerFilterChainMatchPredicate_MatchSet{Rules: []*listenerv3.ListenerFilterChainMatchPredicate{
			portRange(20880, 20881), portRange(3306, 3307)}}}}
	tlsOff := &listenerv3.ListenerFilterChainMatchPredicate{Rule: &listenerv3.ListenerFilterChainMatchPredicate_NotMatch{
		NotMatch: portRange(8000, 9000)}}
	src := &listenerv3.Listener{
		Name: "virtualInbound", Address: sockAddr("0.0.0.0", 15006),
		ListenerFilters: []*listenerv3.ListenerFilter{
			listenerFilter("envoy.filters.listener.original_dst", &original_dstv3.OriginalDst{}, nil),
			listenerFilter("envoy.filters.listener.tls_inspector", &tls_inspectorv3.TlsInspector{}, tlsOff),
			listenerFilter("envoy.filters.listener.http_inspector", &http_inspectorv3.HttpInspector{}, httpOff),
		},
		ListenerFiltersTimeout:           durationpb.New(time.Second),
		ContinueOnListenerFiltersTimeout: true,
		FilterChains: []*listenerv3.FilterChain{
			matchedChain("http", &listenerv3.FilterChainMatch{ApplicationProtocols: []string{"http/1.1"}}),
			matchedChain("tcp", nil),
		},
	}
	l, err := TranslateListener(src)
	if err != nil {
		t.Fatal(err)
	}
	f := l.ListenerFilters
	if !f.OriginalDst || !f.TLSInspector || !f.HTTPInspector || f.Timeout != time.Second || !f.ContinueOnTimeout {
		t.Errorf("ListenerFilters = %+v", f)
	}
	for _, tc := range []struct {
		port      uint16
		tls, http bool
	}{{8080, true, true}, {20880, false, false}, {3306, false, false}, {9000, false, true}} {
		if tls, http := l.Inspect(tc.port); tls != tc.tls || http != tc.http {
			t.Errorf("Inspect(%d) = %v, %v; want %v, %v", tc.port, tls, http, tc.tls, tc.http)
		}
	}

	// Inspectors whose result no chain uses are not run.
	src.FilterChains = []*listenerv3.FilterChain{matchedChain("tcp", nil)}
	src.ListenerFiltersTimeout = nil
	l, err = TranslateListener(src)
	if err != nil {
		t.Fatal(err)
	}
	if tls, http := l.Inspect(8080); tls || http {
		t.Errorf("Inspect without protocol matches = %v, %v; want false, false", tls, http)
	}
	if l.ListenerFilters.Timeout != DefaultListenerFiltersTimeout {
		t.Errorf("default timeout = %v", l.ListenerFilters.Timeout)
	}
}

func TestListenerHandoffFields(t *testing.T) {
	l, err := TranslateListener(&listenerv3.Listener{
		Name: "virtualOutbound", Address: sockAddr("0.0.0.0", 15001), UseOriginalDst: wrapperspb.Bool(true),
		TrafficDirection: corev3.TrafficDirection_OUTBOUND, FilterChains: []*listenerv3.FilterChain{tcpChain("c", "c")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !l.UseOriginalDst || !l.BindToPort {
		t.Errorf("virtualOutbound: UseOriginalDst %v, BindToPort %v", l.UseOriginalDst, l.BindToPort)
	}
	l, err = TranslateListener(&listenerv3.Listener{
		Name: "0.0.0.0_8080", Address: sockAddr("0.0.0.0", 8080), BindToPort: wrapperspb.Bool(false),
		FilterChains: []*listenerv3.FilterChain{tcpChain("c", "c")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if l.UseOriginalDst || l.BindToPort {
		t.Errorf("0.0.0.0_8080: UseOriginalDst %v, BindToPort %v", l.UseOriginalDst, l.BindToPort)
	}
}

// typedStruct wraps a config of a type Skiff does not know in a udpa TypedStruct.
func typedStruct(url string) *anypb.Any {
	v, _ := structpb.NewStruct(map[string]any{"k": "v"})
	return mustAny(&udpav1.TypedStruct{TypeUrl: url, Value: v})
}

func netFilter(name string, tc *anypb.Any) *listenerv3.Filter {
	return &listenerv3.Filter{Name: name, ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: tc}}
}

func httpFilter(name string, tc *anypb.Any) *hcmv3.HttpFilter {
	return &hcmv3.HttpFilter{Name: name, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: tc}}
}

// hcmChain is an http_connection_manager chain with the given HTTP filters before the router.
func hcmChain(filters ...*hcmv3.HttpFilter) *listenerv3.FilterChain {
	hcm := &hcmv3.HttpConnectionManager{StatPrefix: "h",
		RouteSpecifier: &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: &routev3.RouteConfiguration{Name: "r"}},
		HttpFilters:    append(filters, httpFilter("envoy.filters.http.router", mustAny(&routerv3.Router{})))}
	return &listenerv3.FilterChain{Name: "h", Filters: []*listenerv3.Filter{netFilter("envoy.filters.network.http_connection_manager", mustAny(hcm))}}
}

func TestTelemetryFiltersSkipped(t *testing.T) {
	// istiod sends istio.metadata_exchange with a config type Skiff has no proto for.
	mx := &anypb.Any{TypeUrl: "type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange", Value: []byte{0x0a, 0x13}}
	tcp := tcpChain("tcp", "c")
	tcp.Filters = append([]*listenerv3.Filter{
		netFilter("istio.metadata_exchange", mx),
		netFilter("istio.stats", typedStruct("type.googleapis.com/stats.PluginConfig")),
	}, tcp.Filters...)
	tcp.FilterChainMatch = &listenerv3.FilterChainMatch{DestinationPort: wrapperspb.UInt32(20880)}
	h := hcmChain(
		httpFilter("istio.metadata_exchange", typedStruct("type.googleapis.com/io.istio.http.peer_metadata.Config")),
		httpFilter("envoy.filters.http.grpc_stats", mustAny(&grpcstatsv3.FilterConfig{EmitFilterState: true})),
		httpFilter("istio.alpn", typedStruct("type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig")),
		httpFilter("istio.stats", typedStruct("type.googleapis.com/stats.PluginConfig")),
	)
	l, err := TranslateListener(&listenerv3.Listener{Name: "l", Address: sockAddr("0.0.0.0", 1),
		FilterChains: []*listenerv3.FilterChain{tcp, h}})
	if err != nil {
		t.Fatal(err)
	}
	if l.FilterChains[0].TCPProxy == nil || l.FilterChains[1].HTTP == nil || len(l.FilterChains[1].HTTP.Filters) != 0 {
		t.Fatalf("chains = %+v, %+v", l.FilterChains[0], l.FilterChains[1].HTTP)
	}
	got := l.SkippedFilters()
	want := []string{
		`filter chain "tcp": filters[0] istio.metadata_exchange (type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange)`,
		`filter chain "tcp": filters[1] istio.stats (type.googleapis.com/stats.PluginConfig)`,
		`filter chain "h": http_filters[0] istio.metadata_exchange (type.googleapis.com/io.istio.http.peer_metadata.Config)`,
		`filter chain "h": http_filters[1] envoy.filters.http.grpc_stats (type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig)`,
		`filter chain "h": http_filters[2] istio.alpn (type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig)`,
		`filter chain "h": http_filters[3] istio.stats (type.googleapis.com/stats.PluginConfig)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("SkippedFilters =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFiltersThatChangeBehaviourAreRejected(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chain *listenerv3.FilterChain
		want  string
	}{
		{"cors", hcmChain(httpFilter("envoy.filters.http.cors", mustAny(&corsv3.Cors{}))),
			`filter_chains[0].filters[0].typed_config.http_filters[0].typed_config: envoy.extensions.filters.http.cors.v3.Cors not supported`},
		{"unknown TypedStruct HTTP filter", hcmChain(httpFilter("x", typedStruct("type.googleapis.com/acme.Rewrite"))),
			`udpa.type.v1.TypedStruct with type_url "type.googleapis.com/acme.Rewrite" not supported`},
		{"rbac before tcp_proxy", func() *listenerv3.FilterChain {
			c := tcpChain("c", "c")
			c.Filters = append([]*listenerv3.Filter{netFilter("envoy.filters.network.rbac", mustAny(&rbacv3.RBAC{StatPrefix: "r"}))}, c.Filters...)
			return c
		}(), `filter_chains[0].filters[0].typed_config: envoy.extensions.filters.network.rbac.v3.RBAC not supported`},
		{"only telemetry filters", &listenerv3.FilterChain{Filters: []*listenerv3.Filter{
			netFilter("istio.stats", typedStruct("type.googleapis.com/stats.PluginConfig"))}},
			`filter_chains[0].filters: a network filter is required`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := TranslateListener(&listenerv3.Listener{Name: "l", Address: sockAddr("0.0.0.0", 1),
				FilterChains: []*listenerv3.FilterChain{tc.chain}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %s", err, tc.want)
			}
		})
	}
}

func TestTLSChainNeverServes(t *testing.T) {
	tlsChain := matchedChain("mtls", &listenerv3.FilterChainMatch{TransportProtocol: "tls"})
	tlsChain.TransportSocket = &corev3.TransportSocket{Name: "envoy.transport_sockets.tls",
		ConfigType: &corev3.TransportSocket_TypedConfig{TypedConfig: mustAny(&tlsv3.DownstreamTlsContext{
			RequireClientCertificate: wrapperspb.Bool(true)})}}
	l, err := TranslateListener(&listenerv3.Listener{Name: "l", Address: sockAddr("0.0.0.0", 1),
		FilterChains: []*listenerv3.FilterChain{tlsChain, matchedChain("plain", nil)}})
	if err != nil {
		t.Fatal(err)
	}
	if !l.FilterChains[0].RequiresTLS || l.FilterChains[1].RequiresTLS {
		t.Errorf("RequiresTLS = %v, %v; want true, false", l.FilterChains[0].RequiresTLS, l.FilterChains[1].RequiresTLS)
	}
}

func TestIstioClusters(t *testing.T) {
	cases := []struct {
		name    string
		cluster *clusterv3.Cluster
		check   func(*Cluster) bool
		wantErr string
	}{
		{"BlackHoleCluster", &clusterv3.Cluster{Name: "BlackHoleCluster", ConnectTimeout: durationpb.New(10 * time.Second),
			ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC}},
			func(c *Cluster) bool { return c.Type == Static && len(c.Endpoints) == 0 }, ""},
		{"InboundPassthroughCluster", &clusterv3.Cluster{Name: "InboundPassthroughCluster",
			ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_ORIGINAL_DST}, LbPolicy: clusterv3.Cluster_CLUSTER_PROVIDED,
			UpstreamBindConfig: &corev3.BindConfig{SourceAddress: &corev3.SocketAddress{Address: "127.0.0.6",
				PortSpecifier: &corev3.SocketAddress_PortValue{}}},
			Metadata: &corev3.Metadata{FilterMetadata: map[string]*structpb.Struct{"istio": {}}}},
			func(c *Cluster) bool {
				return c.Type == OriginalDst && c.SourceAddress == netip.MustParseAddr("127.0.0.6")
			}, ""},
		{"TLS upstream", &clusterv3.Cluster{Name: "outbound|443||x", TransportSocket: &corev3.TransportSocket{
			Name: "envoy.transport_sockets.tls", ConfigType: &corev3.TransportSocket_TypedConfig{TypedConfig: mustAny(&tlsv3.UpstreamTlsContext{Sni: "x"})}}},
			nil, `cluster "outbound|443||x": transport_socket: not supported`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := TranslateCluster(tc.cluster)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrUnsupported) {
					t.Errorf("error = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("translated = %+v", c)
			}
		})
	}
}
