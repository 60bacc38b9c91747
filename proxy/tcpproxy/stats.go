package tcpproxy

import "github.com/skiffmesh/skiff/proxy/stats"

// Stats are Envoy's tcp.<stat_prefix>.* statistics (plus Skiff's
// downstream_cx_overflow_buffer for connections closed because a peer could
// not be paused).
type Stats struct {
	scope *stats.Scope

	CxTotal        *stats.Counter
	CxNoRoute      *stats.Counter
	IdleTimeout    *stats.Counter
	RxBytes        *stats.Counter
	TxBytes        *stats.Counter
	PausedReading  *stats.Counter
	ResumedReading *stats.Counter
	UpstreamPaused *stats.Counter
	UpstreamResume *stats.Counter
	FlushActive    *stats.Gauge
	OverflowBuffer *stats.Counter
	ConnectAttempt *stats.Counter
	LoopRefused    *stats.Counter
}

// NewStats makes (or finds) the stats of a tcp_proxy with stat_prefix prefix.
func NewStats(store *stats.Store, prefix string) *Stats {
	sc := store.Scope(stats.S("tcp"), stats.T("envoy_tcp_prefix", prefix))
	return &Stats{
		scope:          sc,
		CxTotal:        sc.Counter("downstream_cx_total"),
		CxNoRoute:      sc.Counter("downstream_cx_no_route"),
		IdleTimeout:    sc.Counter("idle_timeout"),
		RxBytes:        sc.Counter("downstream_cx_rx_bytes_total"),
		TxBytes:        sc.Counter("downstream_cx_tx_bytes_total"),
		PausedReading:  sc.Counter("downstream_flow_control_paused_reading_total"),
		ResumedReading: sc.Counter("downstream_flow_control_resumed_reading_total"),
		UpstreamPaused: sc.Counter("upstream_flow_control_paused_reading_total"),
		UpstreamResume: sc.Counter("upstream_flow_control_resumed_reading_total"),
		FlushActive:    sc.Gauge("upstream_flush_active"),
		OverflowBuffer: sc.Counter("downstream_cx_overflow_buffer"),
		ConnectAttempt: sc.Counter("upstream_connect_attempts_exceeded"),
		LoopRefused:    sc.Counter("downstream_cx_loop_refused"),
	}
}
