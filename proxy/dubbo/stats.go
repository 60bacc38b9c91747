package dubbo

import (
	"github.com/skiffmesh/skiff/proxy/stats"
)

// Stats are Envoy's dubbo.<stat_prefix>.* statistics, with Envoy's
// meanings: response_error_caused_connection_close counts responses that
// arrived for a consumer connection that had closed (and were dropped);
// local_response_* count the proxy's own answers; local_response_business_exception
// is never counted (the proxy's answers carry no exception).
type Stats struct {
	scope *stats.Scope

	Request, RequestTwoWay, RequestOneWay, RequestEvent *stats.Counter
	RequestDecodingError, RequestDecodingSuccess        *stats.Counter
	RequestActive                                       *stats.Gauge
	Response, ResponseSuccess, ResponseError            *stats.Counter
	ResponseBusinessException, ResponseDecodingError    *stats.Counter
	ResponseDecodingSuccess, ResponseErrorCloses        *stats.Counter
	LocalSuccess, LocalError, LocalBusinessException    *stats.Counter
	CxDestroyLocalActive, CxDestroyRemoteActive         *stats.Counter
	RequestTime                                         *stats.Histogram
}

// newStats registers the dubbo.<prefix>.* statistics in store.
func newStats(store *stats.Store, prefix string) *Stats {
	sc := store.Scope(stats.S("dubbo"), stats.T("envoy_dubbo_prefix", prefix))
	return &Stats{
		scope:                     sc,
		Request:                   sc.Counter("request"),
		RequestTwoWay:             sc.Counter("request_twoway"),
		RequestOneWay:             sc.Counter("request_oneway"),
		RequestEvent:              sc.Counter("request_event"),
		RequestDecodingError:      sc.Counter("request_decoding_error"),
		RequestDecodingSuccess:    sc.Counter("request_decoding_success"),
		RequestActive:             sc.Gauge("request_active"),
		Response:                  sc.Counter("response"),
		ResponseSuccess:           sc.Counter("response_success"),
		ResponseError:             sc.Counter("response_error"),
		ResponseBusinessException: sc.Counter("response_business_exception"),
		ResponseDecodingError:     sc.Counter("response_decoding_error"),
		ResponseDecodingSuccess:   sc.Counter("response_decoding_success"),
		ResponseErrorCloses:       sc.Counter("response_error_caused_connection_close"),
		LocalSuccess:              sc.Counter("local_response_success"),
		LocalError:                sc.Counter("local_response_error"),
		LocalBusinessException:    sc.Counter("local_response_business_exception"),
		CxDestroyLocalActive:      sc.Counter("cx_destroy_local_with_active_rq"),
		CxDestroyRemoteActive:     sc.Counter("cx_destroy_remote_with_active_rq"),
		RequestTime:               sc.Histogram("request_time_ms", stats.Milliseconds),
	}
}

// clusterStats are the request statistics of one cluster
// (cluster.<name>.upstream_rq_*), the same stats the HTTP router counts.
type clusterStats struct {
	RqTotal, RqCompleted, RqTimeout   *stats.Counter
	RqPendingOverflow, RqPendingTotal *stats.Counter
	RqRxReset, RqCancelled            *stats.Counter
	RqActive, RqPendingActive         *stats.Gauge
	RqTime                            *stats.Histogram
}

// newClusterStats registers the cluster.<name>.upstream_rq_* statistics in
// store (the same stats, by name, as the HTTP router's).
func newClusterStats(store *stats.Store, name string) *clusterStats {
	sc := store.Scope(stats.S("cluster"), stats.T("envoy_cluster_name", name))
	return &clusterStats{
		RqTotal:           sc.Counter("upstream_rq_total"),
		RqCompleted:       sc.Counter("upstream_rq_completed"),
		RqTimeout:         sc.Counter("upstream_rq_timeout"),
		RqPendingOverflow: sc.Counter("upstream_rq_pending_overflow"),
		RqPendingTotal:    sc.Counter("upstream_rq_pending_total"),
		RqRxReset:         sc.Counter("upstream_rq_rx_reset"),
		RqCancelled:       sc.Counter("upstream_rq_cancelled"),
		RqActive:          sc.Gauge("upstream_rq_active"),
		RqPendingActive:   sc.Gauge("upstream_rq_pending_active"),
		RqTime:            sc.Histogram("upstream_rq_time", stats.Milliseconds),
	}
}
