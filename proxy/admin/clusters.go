package admin

import (
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// clusters answers Envoy's /clusters: circuit-breaker settings and, per host,
// its gauges and (when host-level stats are on) its counters.
func (a *Admin) clusters(w http.ResponseWriter, r *http.Request) {
	all := a.opts.Server.Clusters().All()
	if r.URL.Query().Get("format") == "json" {
		writeJSON(w, clustersJSON(all))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	for _, c := range all {
		writeClusterText(w, c)
	}
}

func writeClusterText(w io.Writer, c *upstream.Cluster) {
	name := c.Name()
	cfg := c.Config()
	for _, p := range []struct {
		prio string
		t    config.Thresholds
	}{{"default_priority", cfg.Thresholds}, {"high_priority", cfg.HighThresholds}} {
		fmt.Fprintf(w, "%s::%s::max_connections::%d\n", name, p.prio, p.t.MaxConnections)
		fmt.Fprintf(w, "%s::%s::max_pending_requests::%d\n", name, p.prio, p.t.MaxPendingRequests)
		fmt.Fprintf(w, "%s::%s::max_requests::%d\n", name, p.prio, p.t.MaxRequests)
		fmt.Fprintf(w, "%s::%s::max_retries::%d\n", name, p.prio, p.t.MaxRetries)
	}
	fmt.Fprintf(w, "%s::added_via_api::false\n", name)
	for _, h := range c.Hosts() {
		p := name + "::" + h.Addr().String() + "::"
		fmt.Fprintf(w, "%scx_active::%d\n", p, h.ActiveConnections())
		if s := h.Stats(); s != nil {
			fmt.Fprintf(w, "%scx_connect_fail::%d\n", p, s.CxConnectFail.Load())
			fmt.Fprintf(w, "%scx_total::%d\n", p, s.CxTotal.Load())
		}
		fmt.Fprintf(w, "%srq_active::%d\n", p, h.ActiveRequests())
		if s := h.Stats(); s != nil {
			fmt.Fprintf(w, "%srq_error::%d\n", p, s.RqError.Load())
			fmt.Fprintf(w, "%srq_success::%d\n", p, s.RqSuccess.Load())
			fmt.Fprintf(w, "%srq_timeout::%d\n", p, s.RqTimeout.Load())
			fmt.Fprintf(w, "%srq_total::%d\n", p, s.RqTotal.Load())
		}
		fmt.Fprintf(w, "%shostname::%s\n", p, h.Hostname())
		fmt.Fprintf(w, "%shealth_flags::healthy\n", p)
		fmt.Fprintf(w, "%sweight::%d\n", p, h.Weight())
		fmt.Fprintf(w, "%spriority::%d\n", p, h.Priority())
	}
}

type hostJSON struct {
	Address  any            `json:"address"`
	Stats    []hostStatJSON `json:"stats"`
	Hostname string         `json:"hostname,omitempty"`
	Weight   uint32         `json:"weight"`
	Priority uint32         `json:"priority"`
	Health   map[string]any `json:"health_status"`
}

type hostStatJSON struct {
	Name  string `json:"name"`
	Type  string `json:"type,omitempty"`
	Value string `json:"value"`
}

func clustersJSON(all []*upstream.Cluster) any {
	type clusterJSON struct {
		Name     string     `json:"name"`
		Hosts    []hostJSON `json:"host_statuses"`
		Observed string     `json:"observability_name"`
	}
	out := struct {
		Statuses []clusterJSON `json:"cluster_statuses"`
	}{Statuses: []clusterJSON{}}
	for _, c := range all {
		cj := clusterJSON{Name: c.Name(), Observed: c.Name(), Hosts: []hostJSON{}}
		for _, h := range c.Hosts() {
			hj := hostJSON{
				Address: socketAddress(h.Addr().String()), Hostname: h.Hostname(),
				Weight: h.Weight(), Priority: h.Priority(),
				Health: map[string]any{"eds_health_status": "HEALTHY"},
			}
			hj.Stats = append(hj.Stats,
				hostStatJSON{Name: "cx_active", Type: "GAUGE", Value: strconv.Itoa(int(h.ActiveConnections()))},
				hostStatJSON{Name: "rq_active", Type: "GAUGE", Value: strconv.Itoa(int(h.ActiveRequests()))})
			if s := h.Stats(); s != nil {
				for _, kv := range []struct {
					n string
					v uint64
				}{{"cx_total", s.CxTotal.Load()}, {"cx_connect_fail", s.CxConnectFail.Load()},
					{"rq_total", s.RqTotal.Load()}, {"rq_success", s.RqSuccess.Load()},
					{"rq_error", s.RqError.Load()}, {"rq_timeout", s.RqTimeout.Load()}} {
					hj.Stats = append(hj.Stats, hostStatJSON{Name: kv.n, Value: strconv.FormatUint(kv.v, 10)})
				}
			}
			cj.Hosts = append(cj.Hosts, hj)
		}
		out.Statuses = append(out.Statuses, cj)
	}
	return out
}

// socketAddress renders host:port as Envoy's {"socket_address": {...}}.
func socketAddress(hostport string) any {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil {
		return map[string]any{"socket_address": map[string]any{"address": hostport}}
	}
	return map[string]any{"socket_address": map[string]any{
		"address": ap.Addr().String(), "port_value": ap.Port(),
	}}
}
