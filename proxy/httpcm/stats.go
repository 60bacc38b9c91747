package httpcm

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/skiffmesh/skiff/proxy/stats"
)

// Stats are Envoy's http.<stat_prefix>.* statistics.
type Stats struct {
	scope *stats.Scope

	CxTotal, CxDestroy                    *stats.Counter
	CxActive, RqActive                    *stats.Gauge
	RqTotal, RqCompleted                  *stats.Counter
	Rq1xx, Rq2xx, Rq3xx, Rq4xx, Rq5xx     *stats.Counter
	RqTime                                *stats.Histogram
	NoRoute, NoCluster, DirectResponse    *stats.Counter
	Redirect                              *stats.Counter
	CxProtocolError, RqRxReset, RqTxReset *stats.Counter
	CxIdleTimeout, RqTimeout, RqTooLarge  *stats.Counter
	HeadTooLarge, RqOverflow              *stats.Counter
	Upgrades                              *stats.Counter
}

func newStats(store *stats.Store, prefix string) *Stats {
	sc := store.Scope(stats.S("http"), stats.T("envoy_http_conn_manager_prefix", prefix))
	return &Stats{
		scope:           sc,
		CxTotal:         sc.Counter("downstream_cx_total"),
		CxDestroy:       sc.Counter("downstream_cx_destroy"),
		CxActive:        sc.Gauge("downstream_cx_active"),
		RqActive:        sc.Gauge("downstream_rq_active"),
		RqTotal:         sc.Counter("downstream_rq_total"),
		RqCompleted:     sc.Counter("downstream_rq_completed"),
		Rq1xx:           sc.Counter("downstream_rq_1xx"),
		Rq2xx:           sc.Counter("downstream_rq_2xx"),
		Rq3xx:           sc.Counter("downstream_rq_3xx"),
		Rq4xx:           sc.Counter("downstream_rq_4xx"),
		Rq5xx:           sc.Counter("downstream_rq_5xx"),
		RqTime:          sc.Histogram("downstream_rq_time", stats.Milliseconds),
		NoRoute:         sc.Counter("no_route"),
		NoCluster:       sc.Counter("no_cluster"),
		DirectResponse:  sc.Counter("rq_direct_response"),
		Redirect:        sc.Counter("rq_redirect"),
		CxProtocolError: sc.Counter("downstream_cx_protocol_error"),
		RqRxReset:       sc.Counter("downstream_rq_rx_reset"),
		RqTxReset:       sc.Counter("downstream_rq_tx_reset"),
		CxIdleTimeout:   sc.Counter("downstream_cx_idle_timeout"),
		RqTimeout:       sc.Counter("downstream_rq_timeout"),
		RqTooLarge:      sc.Counter("downstream_rq_too_large"),
		HeadTooLarge:    sc.Counter("downstream_rq_header_too_large"),
		RqOverflow:      sc.Counter("downstream_rq_overflow"),
		Upgrades:        sc.Counter("downstream_cx_upgrades_total"),
	}
}

// class returns the downstream_rq_Nxx counter for status.
func (s *Stats) class(status int) *stats.Counter {
	switch status / 100 {
	case 1:
		return s.Rq1xx
	case 2:
		return s.Rq2xx
	case 3:
		return s.Rq3xx
	case 4:
		return s.Rq4xx
	default:
		return s.Rq5xx
	}
}

// clusterStats are the HTTP statistics of one cluster (cluster.<name>.upstream_rq_*).
type clusterStats struct {
	scope *stats.Scope

	RqTotal, RqCompleted, RqRetry, RqRetrySuccess *stats.Counter
	RqRetryOverflow, RqTimeout, RqPerTryTimeout   *stats.Counter
	RqPendingOverflow, RqPendingTotal, RqRxReset  *stats.Counter
	RqActive, RqPendingActive                     *stats.Gauge
	RqTime                                        *stats.Histogram
	Cx1Total                                      *stats.Counter
	class                                         [6]*stats.Counter

	// codes maps a status to its counter; read without a lock, replaced
	// (under mu) when a status is seen for the first time.
	codes atomic.Pointer[map[int]*stats.Counter]
	mu    sync.Mutex
}

func newClusterStats(store *stats.Store, name string) *clusterStats {
	sc := store.Scope(stats.S("cluster"), stats.T("envoy_cluster_name", name))
	cs := &clusterStats{
		scope:             sc,
		RqTotal:           sc.Counter("upstream_rq_total"),
		RqCompleted:       sc.Counter("upstream_rq_completed"),
		RqRetry:           sc.Counter("upstream_rq_retry"),
		RqRetrySuccess:    sc.Counter("upstream_rq_retry_success"),
		RqRetryOverflow:   sc.Counter("upstream_rq_retry_overflow"),
		RqTimeout:         sc.Counter("upstream_rq_timeout"),
		RqPerTryTimeout:   sc.Counter("upstream_rq_per_try_timeout"),
		RqPendingOverflow: sc.Counter("upstream_rq_pending_overflow"),
		RqPendingTotal:    sc.Counter("upstream_rq_pending_total"),
		RqRxReset:         sc.Counter("upstream_rq_rx_reset"),
		RqActive:          sc.Gauge("upstream_rq_active"),
		RqPendingActive:   sc.Gauge("upstream_rq_pending_active"),
		RqTime:            sc.Histogram("upstream_rq_time", stats.Milliseconds),
		Cx1Total:          sc.Counter("upstream_cx_http1_total"),
	}
	cs.codes.Store(&map[int]*stats.Counter{})
	for i := 1; i <= 5; i++ {
		cs.class[i] = sc.Counter("upstream_rq_" + strconv.Itoa(i) + "xx")
	}
	return cs
}

// response counts a response status: upstream_rq_<code> and upstream_rq_<N>xx.
func (cs *clusterStats) response(shard, status int) {
	if c := status / 100; c >= 1 && c <= 5 {
		cs.class[c].Inc(shard)
	}
	c, ok := (*cs.codes.Load())[status]
	if !ok {
		c = cs.newCode(status)
	}
	c.Inc(shard)
}

// newCode adds the counter of a status seen for the first time.
func (cs *clusterStats) newCode(status int) *stats.Counter {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	old := *cs.codes.Load()
	if c, ok := old[status]; ok {
		return c
	}
	next := make(map[int]*stats.Counter, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	c := cs.scope.Counter("upstream_rq_" + strconv.Itoa(status))
	next[status] = c
	cs.codes.Store(&next)
	return c
}
