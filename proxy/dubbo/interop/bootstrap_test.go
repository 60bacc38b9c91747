package interop

import (
	"fmt"
	"net"
	"strconv"
	"testing"
)

// obj is one node of a generated bootstrap; the whole bootstrap is written as JSON, which is YAML.
type obj = map[string]any

// bootstrap is an Envoy v3 Bootstrap with static listeners and clusters.
type bootstrap struct {
	listeners []obj
	clusters  []obj
}

// listen adds a listener on a free loopback port whose only network filter is filter, and returns
// the listener's address.
func (b *bootstrap) listen(t *testing.T, name string, filter obj) string {
	t.Helper()
	port := freePort(t)
	b.listeners = append(b.listeners, obj{
		"name":          name,
		"address":       socketAddress(fmt.Sprintf("127.0.0.1:%d", port)),
		"filter_chains": []obj{{"filters": []obj{filter}}},
	})
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// cluster adds a STATIC cluster; subset, when not nil, is its lb_subset_config.
func (b *bootstrap) cluster(name string, subset obj, eps ...endpoint) {
	lbEndpoints := make([]obj, 0, len(eps))
	for _, ep := range eps {
		lbEndpoints = append(lbEndpoints, ep.object())
	}
	c := obj{
		"name":            name,
		"type":            "STATIC",
		"connect_timeout": "1s",
		"lb_policy":       "ROUND_ROBIN",
		"load_assignment": obj{
			"cluster_name": name,
			"endpoints":    []obj{{"lb_endpoints": lbEndpoints}},
		},
	}
	if subset != nil {
		c["lb_subset_config"] = subset
	}
	b.clusters = append(b.clusters, c)
}

// object is the bootstrap with the admin server on adminAddr.
func (b *bootstrap) object(adminAddr string) obj {
	return obj{
		"node":  obj{"id": "interop", "cluster": "interop"},
		"admin": obj{"address": socketAddress(adminAddr)},
		"static_resources": obj{
			"listeners": b.listeners,
			"clusters":  b.clusters,
		},
	}
}

// endpoint is one cluster member; meta becomes its envoy.lb filter metadata.
type endpoint struct {
	addr string
	meta map[string]string
}

func (e endpoint) object() obj {
	o := obj{"endpoint": obj{"address": socketAddress(e.addr)}}
	if len(e.meta) > 0 {
		lb := obj{}
		for k, v := range e.meta {
			lb[k] = v
		}
		o["metadata"] = obj{"filter_metadata": obj{"envoy.lb": lb}}
	}
	return o
}

func socketAddress(addr string) obj {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		panic(err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		panic(err)
	}
	return obj{"socket_address": obj{"address": host, "port_value": n}}
}

// tcpProxy is an envoy.filters.network.tcp_proxy filter to cluster.
func tcpProxy(statPrefix, cluster string) obj {
	return obj{
		"name": "envoy.filters.network.tcp_proxy",
		"typed_config": obj{
			"@type":       "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
			"stat_prefix": statPrefix,
			"cluster":     cluster,
		},
	}
}
