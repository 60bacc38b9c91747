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
