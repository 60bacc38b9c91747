package config

import (
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	tcpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

func TestTranslateListenerOnItsOwn(t *testing.T) {
	l := &listenerv3.Listener{Name: "in_8080", Address: sockAddr("127.0.0.1", 0), FilterChains: []*listenerv3.FilterChain{tcpChain("a", "up")}}
	got, err := TranslateListener(l)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != l || got.Address != netip.MustParseAddrPort("127.0.0.1:0") || got.BufferLimit != DefaultBufferLimit {
		t.Errorf("TranslateListener = %+v", got)
	}
	tp := got.FilterChains[0].TCPProxy
	if tp.IdleTimeout != time.Hour || tp.MaxConnectAttempts != 1 || tp.TotalWeight != 1 {
		t.Errorf("tcp_proxy defaults = %+v", tp)
	}

	// Errors of a resource on its own have paths relative to the resource.
	l.AdditionalAddresses = []*listenerv3.AdditionalAddress{{Address: sockAddr("127.0.0.2", 1)}}
	_, err = TranslateListener(l)
	if want := `listener "in_8080": additional_addresses: not supported`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestTranslateClusterOnItsOwn(t *testing.T) {
	c := &clusterv3.Cluster{Name: "up"}
	got, err := TranslateCluster(c)
	if err != nil {
		t.Fatal(err)
	}
	want := Cluster{
		Name: "up", Type: Static, ConnectTimeout: 5 * time.Second, LBPolicy: RoundRobin,
		LeastRequestChoices: 2, DNSRefreshRate: 5 * time.Second, DNSLookupFamily: DNSAuto,
		BufferLimit:     1 << 20,
		Thresholds:      Thresholds{MaxConnections: 1024, MaxPendingRequests: 1024, MaxRequests: 1024, MaxRetries: 3},
		HighThresholds:  Thresholds{MaxConnections: 1024, MaxPendingRequests: 1024, MaxRequests: 1024, MaxRetries: 3},
		CleanupInterval: 5 * time.Second,
		Source:          c,
	}
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("TranslateCluster = %+v\nwant %+v", got, want)
	}
	c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_LOGICAL_DNS}
	_, err = TranslateCluster(c)
	if want := `cluster "up": type: LOGICAL_DNS not supported`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestTranslateOriginalDstCluster(t *testing.T) {
	b, err := Parse([]byte(`
static_resources:
  clusters:
  - name: inbound
    type: ORIGINAL_DST
    lb_policy: CLUSTER_PROVIDED
    cleanup_interval: 2s
    upstream_bind_config: {source_address: {address: 127.0.0.6, port_value: 0}}
`))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	c := snap.Clusters[0]
	if c.Type != OriginalDst || c.LBPolicy != ClusterProvided || c.CleanupInterval != 2*time.Second ||
		c.SourceAddress.String() != "127.0.0.6" {
		t.Fatalf("got %+v", c)
	}
	for name, tc := range map[string]struct{ yaml, want string }{
		"endpoints": {`{name: x, type: ORIGINAL_DST, load_assignment: {cluster_name: x, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 1}}}}]}]}}`,
			"load_assignment.endpoints: an ORIGINAL_DST cluster takes no endpoints"},
		"provided without original dst": {`{name: x, type: STATIC, lb_policy: CLUSTER_PROVIDED}`,
			"lb_policy: CLUSTER_PROVIDED needs type ORIGINAL_DST"},
		"bind port": {`{name: x, type: ORIGINAL_DST, upstream_bind_config: {source_address: {address: 127.0.0.6, port_value: 9}}}`,
			"upstream_bind_config.source_address.port_value: must be 0"},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := Parse([]byte("static_resources: {clusters: [" + tc.yaml + "]}"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Translate(b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestTranslateNil(t *testing.T) {
	if _, err := Translate(nil); err == nil {
		t.Error("Translate(nil) succeeded")
	}
	if _, err := TranslateListener(nil); err == nil {
		t.Error("TranslateListener(nil) succeeded")
	}
	if _, err := TranslateCluster(nil); err == nil {
		t.Error("TranslateCluster(nil) succeeded")
	}
}

func TestTranslateDefaults(t *testing.T) {
	b := minimal(t)
	b.Admin = nil
	s, err := Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	if s.Admin.Address != netip.MustParseAddrPort("127.0.0.1:15000") {
		t.Errorf("default admin address = %s", s.Admin.Address)
	}
	if s.Runtime == nil || len(s.Runtime) != 0 {
		t.Errorf("Runtime = %v, want an empty map", s.Runtime)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("Warnings = %q, want none", s.Warnings)
	}
}

func TestTranslateEphemeralPortsMayRepeat(t *testing.T) {
	b := minimal(t)
	lis(b).Address = sockAddr("127.0.0.1", 0)
	second := tcpChain("second", "echo_upstream")
	b.StaticResources.Listeners = append(b.StaticResources.Listeners, &listenerv3.Listener{
		Name: "second", Address: sockAddr("127.0.0.1", 0), FilterChains: []*listenerv3.FilterChain{second},
	})
	if _, err := Translate(b); err != nil {
		t.Fatal(err)
	}
}

func TestTranslateReportsEveryResource(t *testing.T) {
	b := minimal(t)
	lis(b).Freebind = nil
	lis(b).Address = sockAddr("localhost", 1)
	clu(b).LbPolicy = clusterv3.Cluster_MAGLEV
	_, err := Translate(b)
	for _, want := range []string{`listener "tcp_echo"`, `cluster "echo_upstream"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
}

func TestTranslateRuntime(t *testing.T) {
	b, err := Parse([]byte(`
layered_runtime:
  layers:
  - name: base
    static_layer: { skiff: { stats: { host_level: false } }, a: 1, b: x }
  - name: override
    static_layer: { a: 2.5, c: true }
  - name: admin
    admin_layer: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"skiff.stats.host_level": "false", "a": "2.5", "b": "x", "c": "true"}
	if len(s.Runtime) != len(want) {
		t.Errorf("Runtime = %v, want %v", s.Runtime, want)
	}
	for k, v := range want {
		if s.Runtime[k] != v {
			t.Errorf("Runtime[%q] = %q, want %q", k, s.Runtime[k], v)
		}
	}
}

func TestTranslateWarnings(t *testing.T) {
	b := minimal(t)
	b.Admin.ProfilePath = "/tmp/prof"
	editTCP(b, func(tp *tcpv3.TcpProxy) { tp.ClusterSpecifier = &tcpv3.TcpProxy_Cluster{Cluster: "missing"} })
	s, err := Translate(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"admin.profile_path: accepted but ignored",
		`listener "tcp_echo": filter chain "": tcp_proxy cluster "missing" is not defined`,
	}
	if !slices.Equal(s.Warnings, want) {
		t.Errorf("Warnings = %q\nwant %q", s.Warnings, want)
	}
}

func TestTranslateRejectsUnknownBinaryFields(t *testing.T) {
	l := &listenerv3.Listener{Name: "l", Address: sockAddr("127.0.0.1", 1), FilterChains: []*listenerv3.FilterChain{tcpChain("a", "c")}}
	l.ProtoReflect().SetUnknown([]byte{0xf8, 0x7f, 0x01}) // field 2047, varint 1
	_, err := TranslateListener(l)
	if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "unknown fields") {
		t.Errorf("error = %v, want unknown fields", err)
	}

	l.ProtoReflect().SetUnknown(nil)
	l.FilterChains[0].Filters[0].ConfigType = &listenerv3.Filter_TypedConfig{TypedConfig: &anypb.Any{TypeUrl: "type.googleapis.com/skiff.Nope"}}
	_, err = TranslateListener(l)
	if want := `filter_chains[0].filters[0].typed_config: unknown type "type.googleapis.com/skiff.Nope"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestPickCluster(t *testing.T) {
	tp := &TCPProxy{Clusters: []WeightedCluster{{"a", 1}, {"b", 3}, {"c", 2}}, TotalWeight: 6}
	want := []string{"a", "b", "b", "b", "c", "c", "c"}
	for r, w := range want {
		if got := tp.PickCluster(uint32(r)); got != w {
			t.Errorf("PickCluster(%d) = %q, want %q", r, got, w)
		}
	}
}
