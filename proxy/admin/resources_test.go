package admin

import (
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	adminv3 "github.com/envoyproxy/go-control-plane/envoy/admin/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	tcpproxyv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/encoding/protojson"
)

func TestConfigDump(t *testing.T) {
	f := startFixture(t)
	code, body, h := f.doHeader(http.MethodGet, "/config_dump")
	if code != http.StatusOK || h.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", code, h.Get("Content-Type"))
	}
	if !json.Valid([]byte(body)) {
		t.Fatalf("not JSON:\n%s", body)
	}
	var dump adminv3.ConfigDump
	if err := protojson.Unmarshal([]byte(body), &dump); err != nil {
		t.Fatalf("not a ConfigDump: %v", err)
	}
	var (
		boot      adminv3.BootstrapConfigDump
		clusters  adminv3.ClustersConfigDump
		listeners adminv3.ListenersConfigDump
		seen      []string
	)
	for _, c := range dump.GetConfigs() {
		seen = append(seen, string(c.MessageName().Name()))
		var err error
		switch c.MessageName().Name() {
		case "BootstrapConfigDump":
			err = c.UnmarshalTo(&boot)
		case "ClustersConfigDump":
			err = c.UnmarshalTo(&clusters)
		case "ListenersConfigDump":
			err = c.UnmarshalTo(&listeners)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"BootstrapConfigDump", "ClustersConfigDump", "ListenersConfigDump"}; !slices.Equal(seen, want) {
		t.Fatalf("configs %v, want %v (Envoy's order)", seen, want)
	}
	if got := boot.GetBootstrap().GetNode().GetId(); got != testNodeID {
		t.Errorf("bootstrap node id %q, want %q", got, testNodeID)
	}
	if n := len(clusters.GetStaticClusters()); n != 1 {
		t.Fatalf("%d static clusters, want 1", n)
	}
	cl := clusters.GetStaticClusters()[0]
	if !strings.HasSuffix(cl.GetCluster().GetTypeUrl(), "envoy.config.cluster.v3.Cluster") || cl.GetLastUpdated() == nil {
		t.Fatalf("static cluster %v", cl)
	}
	if clusters.GetVersionInfo() != "static" || listeners.GetVersionInfo() != "static" {
		t.Errorf("version_info %q / %q, want static", clusters.GetVersionInfo(), listeners.GetVersionInfo())
	}
	// Unpack the resources to check their content.
	var c clusterv3.Cluster
	if err := cl.GetCluster().UnmarshalTo(&c); err != nil || c.GetName() != clusterName {
		t.Errorf("static cluster %q (%v), want %q", c.GetName(), err, clusterName)
	}
	if n := len(listeners.GetStaticListeners()); n != 1 {
		t.Fatalf("%d static listeners, want 1", n)
	}
	var l listenerv3.Listener
	if err := listeners.GetStaticListeners()[0].GetListener().UnmarshalTo(&l); err != nil || l.GetName() != listenerName {
		t.Fatalf("static listener %q (%v), want %q", l.GetName(), err, listenerName)
	}
	var tp tcpproxyv3.TcpProxy
	if err := l.GetFilterChains()[0].GetFilters()[0].GetTypedConfig().UnmarshalTo(&tp); err != nil ||
		tp.GetStatPrefix() != tcpPrefix || tp.GetCluster() != clusterName {
		t.Errorf("tcp_proxy %v (%v)", &tp, err)
	}
	if !strings.Contains(body, `"stat_prefix"`) || strings.Contains(body, `"statPrefix"`) {
		t.Error("dump does not use proto field names")
	}
}

func TestClustersText(t *testing.T) {
	f := startFixture(t)
	host := f.backend
	p := clusterName + "::" + host + "::"
	want := []string{
		clusterName + "::default_priority::max_connections::1024",
		clusterName + "::high_priority::max_retries::3",
		clusterName + "::added_via_api::false",
		p + "cx_active::0",
		p + "cx_connect_fail::0",
		p + "cx_total::0",
		p + "rq_active::0",
		p + "rq_total::0",
		p + "hostname::",
		p + "health_flags::healthy",
		p + "weight::1",
		p + "priority::0",
	}
	got := lines(f.get("/clusters"))
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("/clusters lacks %q", w)
		}
	}
	for _, l := range got {
		if parts := strings.Split(l, "::"); len(parts) < 3 || parts[0] != clusterName {
			t.Errorf("line %q is not name::...::value", l)
		}
	}
}

type clustersDoc struct {
	Statuses []struct {
		Name  string `json:"name"`
		Hosts []struct {
			Address struct {
				Socket struct {
					Address string `json:"address"`
					Port    int    `json:"port_value"`
				} `json:"socket_address"`
			} `json:"address"`
			Stats []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Value string `json:"value"`
			} `json:"stats"`
			Weight int            `json:"weight"`
			Health map[string]any `json:"health_status"`
		} `json:"host_statuses"`
	} `json:"cluster_statuses"`
}

func TestClustersJSON(t *testing.T) {
	f := startFixture(t)
	var doc clustersDoc
	if err := json.Unmarshal([]byte(f.get("/clusters?format=json")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statuses) != 1 || doc.Statuses[0].Name != clusterName || len(doc.Statuses[0].Hosts) != 1 {
		t.Fatalf("cluster_statuses = %+v", doc.Statuses)
	}
	h := doc.Statuses[0].Hosts[0]
	host, port, _ := net.SplitHostPort(f.backend)
	if h.Address.Socket.Address != host || strconv.Itoa(h.Address.Socket.Port) != port {
		t.Errorf("address %+v, want %s", h.Address, f.backend)
	}
	if h.Weight != 1 || h.Health["eds_health_status"] != "HEALTHY" {
		t.Errorf("weight %d health %v", h.Weight, h.Health)
	}
	stats := map[string]string{}
	for _, s := range h.Stats {
		stats[s.Name] = s.Value
	}
	for _, n := range []string{"cx_active", "rq_active", "cx_total", "rq_total", "rq_error"} {
		if stats[n] != "0" {
			t.Errorf("stat %s = %q, want 0", n, stats[n])
		}
	}
}

func TestListeners(t *testing.T) {
	f := startFixture(t)
	if got, want := lines(f.get("/listeners")), []string{listenerName + "::" + f.listener}; !slices.Equal(got, want) {
		t.Errorf("/listeners = %q, want %q", got, want)
	}
	var doc struct {
		Statuses []struct {
			Name  string `json:"name"`
			Local struct {
				Socket struct {
					Address string `json:"address"`
					Port    int    `json:"port_value"`
				} `json:"socket_address"`
			} `json:"local_address"`
		} `json:"listener_statuses"`
	}
	if err := json.Unmarshal([]byte(f.get("/listeners?format=json")), &doc); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(f.listener)
	if len(doc.Statuses) != 1 || doc.Statuses[0].Name != listenerName ||
		doc.Statuses[0].Local.Socket.Address != host || strconv.Itoa(doc.Statuses[0].Local.Socket.Port) != port {
		t.Errorf("listener_statuses = %+v, want %s at %s", doc.Statuses, listenerName, f.listener)
	}
}

func TestDrainListeners(t *testing.T) {
	f := startFixture(t)
	c, err := net.DialTimeout("tcp", f.listener, time.Second)
	if err != nil {
		t.Fatalf("listener not accepting before the drain: %v", err)
	}
	_ = c.Close()
	if body := f.post("/drain_listeners"); strings.TrimSpace(body) != "OK" {
		t.Fatalf("body %q", body)
	}
	if c, err := net.DialTimeout("tcp", f.listener, time.Second); err == nil {
		_ = c.Close()
		t.Fatal("listener still accepts after /drain_listeners")
	}
	if got := lines(f.get("/listeners")); len(got) != 0 {
		t.Errorf("/listeners after drain = %q, want none", got)
	}
	if code, _ := f.do(http.MethodGet, "/ready"); code != http.StatusOK {
		t.Errorf("/ready = %d after drain_listeners, want 200", code)
	}
}
