// Package memory is the memory benchmark: a real skiff process loaded with many clusters and
// endpoints (a generated static bootstrap), carrying traffic to a sample of its hosts, measured
// through the admin API (/memory?gc) with host-level statistics on and off.
package memory

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
)

// Shape is the configuration a run loads.
type Shape struct {
	Clusters  int // number of clusters, c0..c<N-1>
	Endpoints int // endpoints in total
	// Traffic is the number of clusters (the first ones) whose endpoints are real loopback
	// listeners and that carry the traffic; each has TrafficEndpoints endpoints, so every shape
	// carries the same traffic to the same number of hosts. The other endpoints are spread
	// evenly over the other clusters.
	Traffic, TrafficEndpoints int
	// HostStats is the bootstrap's runtime key skiff.stats.host_level.
	HostStats bool
	// EveryHost adds, after the sample traffic, one request to every endpoint of every cluster
	// (see everyHost), so that every host's statistics have been written.
	EveryHost bool
}

// endpointsOf returns how many endpoints cluster i has.
func (s Shape) endpointsOf(i int) int {
	if i < s.Traffic {
		return s.TrafficEndpoints
	}
	others := s.Clusters - s.Traffic
	rest := max(s.Endpoints-s.Traffic*s.TrafficEndpoints, 0)
	n := rest / others
	if i-s.Traffic < rest%others {
		n++
	}
	return n
}

// TrafficHosts returns the addresses of the traffic clusters' endpoints, in cluster order:
// distinct 127.1.x.y addresses on port.
func (s Shape) TrafficHosts(port uint16) []netip.AddrPort {
	var out []netip.AddrPort
	for i := range min(s.Traffic, s.Clusters) {
		for range s.endpointsOf(i) {
			n := len(out)
			out = append(out, netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 1, byte(n / 250), byte(n%250 + 1)}), port))
		}
	}
	return out
}

// otherHost returns the address of the n-th endpoint of a non-traffic cluster: distinct
// loopback addresses from 127.2.0.0 on port, where nothing listens (the backend listens on
// 127.1.x.y only), so that a connection to one is refused at once.
func otherHost(n int, port uint16) (string, uint32) {
	return fmt.Sprintf("127.%d.%d.%d", 2+n>>16, n>>8&255, n&255), uint32(port)
}

// Bootstrap returns the Envoy v3 bootstrap (as JSON, which Skiff reads without a YAML pass) of
// shape s: an admin listener on adminPort, an HTTP listener on listenPort routing /c<i>/ to
// cluster c<i>, and the clusters. Traffic clusters point at TrafficHosts(backendPort).
func (s Shape) Bootstrap(adminPort, listenPort, backendPort uint16) map[string]any {
	traffic := s.TrafficHosts(backendPort)
	var clusters, routes []any
	next, other := 0, 0
	for i := range s.Clusters {
		name := fmt.Sprintf("c%d", i)
		var lbs []any
		for range s.endpointsOf(i) {
			var addr string
			var port uint32
			if i < s.Traffic {
				ap := traffic[next]
				next++
				addr, port = ap.Addr().String(), uint32(ap.Port())
			} else {
				addr, port = otherHost(other, backendPort)
				other++
			}
			lbs = append(lbs, map[string]any{"endpoint": map[string]any{"address": socketAddress(addr, port)}})
		}
		clusters = append(clusters, map[string]any{
			"name": name, "type": "STATIC", "connect_timeout": "1s",
			"load_assignment": map[string]any{"cluster_name": name, "endpoints": []any{map[string]any{"lb_endpoints": lbs}}},
		})
		routes = append(routes, map[string]any{
			"name": "r" + name, "match": map[string]any{"prefix": "/" + name + "/"},
			"route": map[string]any{"cluster": name},
		})
	}
	return map[string]any{
		"admin": map[string]any{"address": socketAddress("127.0.0.1", uint32(adminPort))},
		"layered_runtime": map[string]any{"layers": []any{map[string]any{
			"name": "static", "static_layer": map[string]any{"skiff.stats.host_level": s.HostStats},
		}}},
		"static_resources": map[string]any{
			"listeners": []any{httpListener(listenPort, routes)},
			"clusters":  clusters,
		},
	}
}

func socketAddress(addr string, port uint32) map[string]any {
	return map[string]any{"socket_address": map[string]any{"address": addr, "port_value": port}}
}

// httpListener is the HTTP listener, with the stats filter in front of the router.
func httpListener(port uint16, routes []any) map[string]any {
	hcm := map[string]any{
		"@type":       "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
		"stat_prefix": "ingress",
		"route_config": map[string]any{"name": "local", "virtual_hosts": []any{map[string]any{
			"name": "all", "domains": []any{"*"}, "routes": routes,
		}}},
		"http_filters": []any{
			map[string]any{"name": "skiff.stats", "typed_config": map[string]any{
				"@type":    "type.googleapis.com/xds.type.v3.TypedStruct",
				"type_url": "type.skiff.dev/skiff.filters.stats.v1.Stats",
			}},
			map[string]any{"name": "envoy.filters.http.router", "typed_config": map[string]any{
				"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
			}},
		},
	}
	return map[string]any{
		"name":          "ingress",
		"address":       socketAddress("127.0.0.1", uint32(port)),
		"filter_chains": []any{map[string]any{"filters": []any{map[string]any{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}}}},
	}
}

// WriteBootstrap writes the bootstrap of s to dir/bootstrap.json and returns its path.
func (s Shape) WriteBootstrap(dir string, adminPort, listenPort, backendPort uint16) (string, error) {
	b, err := json.Marshal(s.Bootstrap(adminPort, listenPort, backendPort))
	if err != nil {
		return "", fmt.Errorf("memory: bootstrap: %w", err)
	}
	path := filepath.Join(dir, "bootstrap.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("memory: bootstrap: %w", err)
	}
	return path, nil
}
