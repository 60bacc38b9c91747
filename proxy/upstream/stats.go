package upstream

import "github.com/skiffmesh/skiff/proxy/stats"

// ClusterStats are Envoy's cluster.<name>.* statistics.
type ClusterStats struct {
	scope *stats.Scope

	CxTotal          *stats.Counter
	CxActive         *stats.Gauge
	CxConnectFail    *stats.Counter
	CxConnectTimeout *stats.Counter
	CxOverflow       *stats.Counter
	CxNoneHealthy    *stats.Counter
	CxRxBytesTotal   *stats.Counter
	CxTxBytesTotal   *stats.Counter
	CxDestroy        *stats.Counter
	CxDestroyLocal   *stats.Counter
	CxDestroyRemote  *stats.Counter
	CxConnectMs      *stats.Histogram
	CxLengthMs       *stats.Histogram
	MembershipTotal  *stats.Gauge
	MembershipActive *stats.Gauge
	UpdateAttempt    *stats.Counter
	UpdateSuccess    *stats.Counter
	UpdateFailure    *stats.Counter
	CxOpen           *stats.Gauge // circuit_breakers.default.cx_open
}

func newClusterStats(store *stats.Store, name string) *ClusterStats {
	sc := store.Scope(stats.S("cluster"), stats.T("envoy_cluster_name", name))
	return &ClusterStats{
		scope:            sc,
		CxTotal:          sc.Counter("upstream_cx_total"),
		CxActive:         sc.Gauge("upstream_cx_active"),
		CxConnectFail:    sc.Counter("upstream_cx_connect_fail"),
		CxConnectTimeout: sc.Counter("upstream_cx_connect_timeout"),
		CxOverflow:       sc.Counter("upstream_cx_overflow"),
		CxNoneHealthy:    sc.Counter("upstream_cx_none_healthy"),
		CxRxBytesTotal:   sc.Counter("upstream_cx_rx_bytes_total"),
		CxTxBytesTotal:   sc.Counter("upstream_cx_tx_bytes_total"),
		CxDestroy:        sc.Counter("upstream_cx_destroy"),
		CxDestroyLocal:   sc.Counter("upstream_cx_destroy_local"),
		CxDestroyRemote:  sc.Counter("upstream_cx_destroy_remote"),
		CxConnectMs:      sc.Histogram("upstream_cx_connect_ms", stats.Milliseconds),
		CxLengthMs:       sc.Histogram("upstream_cx_length_ms", stats.Milliseconds),
		MembershipTotal:  sc.Gauge("membership_total"),
		MembershipActive: sc.Gauge("membership_healthy"),
		UpdateAttempt:    sc.Counter("update_attempt"),
		UpdateSuccess:    sc.Counter("update_success"),
		UpdateFailure:    sc.Counter("update_failure"),
		CxOpen:           sc.Gauge("circuit_breakers.default.cx_open"),
	}
}

// hostSource renders per-host statistics on /stats/prometheus as
// envoy_cluster_host_<stat>{envoy_cluster_name="c",envoy_host_address="ip:port"}. The values live
// in the hosts (HostStats), not in the store, so a host costs no stat names or slots. A host
// appears once it has carried a connection or request: most hosts of a large cluster never do,
// and /clusters lists every host. Nothing is written while host-level stats are off.
type hostSource struct{ m *Manager }

// hostSeries is one used host's labels and values, gathered once per scrape.
type hostSeries struct {
	labels []stats.Label
	h      *Host
	s      *HostStats
}

// hostFamilies are the per-host families and how to read each.
var hostFamilies = []struct {
	name    string
	counter func(*HostStats) uint64
	gauge   func(*Host) int64
}{
	{name: "envoy_cluster_host_cx_total", counter: func(s *HostStats) uint64 { return s.CxTotal.Load() }},
	{name: "envoy_cluster_host_cx_connect_fail", counter: func(s *HostStats) uint64 { return s.CxConnectFail.Load() }},
	{name: "envoy_cluster_host_cx_active", gauge: func(h *Host) int64 { return int64(h.ActiveConnections()) }},
	{name: "envoy_cluster_host_rq_total", counter: func(s *HostStats) uint64 { return s.RqTotal.Load() }},
	{name: "envoy_cluster_host_rq_success", counter: func(s *HostStats) uint64 { return s.RqSuccess.Load() }},
	{name: "envoy_cluster_host_rq_error", counter: func(s *HostStats) uint64 { return s.RqError.Load() }},
	{name: "envoy_cluster_host_rq_timeout", counter: func(s *HostStats) uint64 { return s.RqTimeout.Load() }},
	{name: "envoy_cluster_host_rq_active", gauge: func(h *Host) int64 { return int64(h.ActiveRequests()) }},
}

// WritePrometheus implements stats.Source.
func (src hostSource) WritePrometheus(w *stats.PromWriter, _ bool) {
	if !src.m.HostStats() {
		return
	}
	var series []hostSeries
	for _, c := range src.m.All() {
		for _, h := range c.Hosts() {
			if s := h.Stats(); s != nil && s.used() {
				series = append(series, hostSeries{labels: []stats.Label{
					{Name: "envoy_cluster_name", Value: c.Name()},
					{Name: "envoy_host_address", Value: h.Addr().String()},
				}, h: h, s: s})
			}
		}
	}
	if len(series) == 0 {
		return
	}
	for _, f := range hostFamilies {
		switch {
		case f.counter != nil && w.CounterFamily(f.name):
			for _, hs := range series {
				w.Counter(hs.labels, f.counter(hs.s))
			}
		case f.gauge != nil && w.GaugeFamily(f.name):
			for _, hs := range series {
				w.Gauge(hs.labels, f.gauge(hs.h))
			}
		}
	}
	if w.HistogramFamily("envoy_cluster_host_rq_time") {
		for _, hs := range series {
			w.Histogram(hs.labels, &hs.s.RqTime)
		}
	}
}
