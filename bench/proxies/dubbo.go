package proxies

import (
	"fmt"

	"github.com/skiffmesh/skiff/bench/dubbocall"
)

// dubboFilter is the bootstrap's dubbo_proxy network filter (Skiff and
// Envoy): Dubbo over hessian2, one route configuration for the
// benchmark's interface, whose one route sends its method to the backend
// cluster, and the router as the only Dubbo filter. The Dubbo bootstrap
// also raises the cluster's circuit breakers: the open loop may have more
// than the default 1,024 requests outstanding while a proxy stalls.
func dubboFilter() string {
	return fmt.Sprintf(`      - name: envoy.filters.network.dubbo_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.v3.DubboProxy
          stat_prefix: dubbo
          protocol_type: Dubbo
          serialization_type: Hessian2
          route_config:
          - name: bench
            interface: %s
            routes:
            - match: {method: {name: {exact: %s}}}
              route: {cluster: backend}
          dubbo_filters:
          - name: envoy.filters.dubbo.router`, dubbocall.Interface, dubbocall.Method)
}

// dubboSetup describes the Dubbo bootstrap for a proxy's Setup line.
const dubboSetup = "Envoy v3 bootstrap, dubbo_proxy (Dubbo, Hessian2; one route_config for " + dubbocall.Interface +
	", one route matching method " + dubbocall.Method + " to the backend cluster; router as the only Dubbo filter), " +
	"cluster circuit breakers raised to 100,000 (a stall shows as latency, not as overflow replies once 1,024 requests are outstanding), no access log"

// mosnDubboFilter and mosnDubboRouters are MOSN's Dubbo proxy: its proxy
// network filter with the dubbo protocol on both sides, routing on the
// "service" header MOSN's Dubbo decoder sets from the request's path.
const mosnDubboFilter = `{"type": "proxy", "config": {"downstream_protocol": "dubbo", "upstream_protocol": "dubbo", "router_config_name": "backend"}}`

const mosnDubboRouters = `
    "routers": [{
      "router_config_name": "backend",
      "virtual_hosts": [{"name": "all", "domains": ["*"], "routers": [{"match": {"headers": [{"name": "service", "value": "` +
	dubbocall.Interface + `"}]}, "route": {"cluster_name": "backend"}}]}]
    }],`

// nginxDubboSkip is nginx's reason to sit the Dubbo scenario out.
const nginxDubboSkip = "nginx: skipped (no Dubbo proxy; haproxy mode tcp is the L4 floor)"

// protoName is proto as the report writes it.
func protoName(proto Protocol) string {
	switch proto {
	case HTTP:
		return "HTTP"
	case Dubbo:
		return "Dubbo"
	}
	return "TCP"
}
