package admin

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// Traffic through the tcp_proxy listener shows up in /stats/prometheus,
// /stats and /clusters.
func TestTrafficMovesCounters(t *testing.T) {
	f := startFixture(t)
	const rounds = 3
	msg := []byte("hello through skiff")
	c, err := net.DialTimeout("tcp", f.listener, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rounds {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != string(msg) {
			t.Fatalf("round %d: %q, %v", i, got, err)
		}
	}
	_ = c.Close()

	bytes := float64(rounds * len(msg))
	listenerLabel := strings.Replace(f.listener, ":", "_", 1)
	want := []struct {
		family, label, value string
		want                 float64
	}{
		{"envoy_cluster_upstream_cx_total", "envoy_cluster_name", clusterName, 1},
		{"envoy_cluster_upstream_cx_destroy", "envoy_cluster_name", clusterName, 1},
		{"envoy_cluster_upstream_cx_active", "envoy_cluster_name", clusterName, 0},
		{"envoy_cluster_upstream_cx_tx_bytes_total", "envoy_cluster_name", clusterName, bytes},
		{"envoy_cluster_upstream_cx_rx_bytes_total", "envoy_cluster_name", clusterName, bytes},
		{"envoy_cluster_upstream_cx_connect_ms", "envoy_cluster_name", clusterName, 1}, // samples
		{"envoy_tcp_downstream_cx_total", "envoy_tcp_prefix", tcpPrefix, 1},
		{"envoy_tcp_downstream_cx_rx_bytes_total", "envoy_tcp_prefix", tcpPrefix, bytes},
		{"envoy_tcp_downstream_cx_tx_bytes_total", "envoy_tcp_prefix", tcpPrefix, bytes},
		{"envoy_listener_downstream_cx_total", "envoy_listener_address", listenerLabel, 1},
		{"envoy_listener_downstream_cx_active", "envoy_listener_address", listenerLabel, 0},
	}
	var fams map[string]*dto.MetricFamily
	mismatch := func() string {
		for _, w := range want {
			if v, ok := promValue(fams, w.family, w.label, w.value); !ok || v != w.want {
				return fmt.Sprintf("%s{%s=%q} = %v (present %v), want %v", w.family, w.label, w.value, v, ok, w.want)
			}
		}
		return ""
	}
	deadline := time.Now().Add(5 * time.Second)
	for fams = f.promFamilies(""); mismatch() != ""; fams = f.promFamilies("") {
		if time.Now().After(deadline) {
			t.Fatal(mismatch())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if v := fams["envoy_server_total_connections"].GetMetric()[0].GetCounter().GetValue(); v != 1 {
		t.Errorf("envoy_server_total_connections = %v, want 1", v)
	}

	if got := f.get("/stats?usedonly&filter=^cluster\\.backend\\.upstream_cx_total$"); strings.TrimSpace(got) !=
		"cluster.backend.upstream_cx_total: 1" {
		t.Errorf("/stats?usedonly = %q", got)
	}
	p := clusterName + "::" + f.backend + "::"
	got := lines(f.get("/clusters"))
	for _, l := range []string{p + "cx_total::1", p + "cx_active::0", p + "rq_total::1", p + "rq_success::1", p + "rq_active::0"} {
		if !slices.Contains(got, l) {
			t.Errorf("/clusters lacks %q", l)
		}
	}
}
