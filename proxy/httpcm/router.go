package httpcm

import (
	"errors"
	"math/rand/v2"
	"net"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/route"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// Envoy's local reply texts, which clients and dashboards recognise.
const (
	msgNoHealthy   = "no healthy upstream"
	msgConnectFail = "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
	msgReset       = "upstream connect error or disconnect/reset before headers. reset reason: connection termination"
	msgOverflow    = "upstream connect error or disconnect/reset before headers. reset reason: overflow"
	msgTimeout     = "upstream request timeout"
	msgProtocol    = "upstream connect error or disconnect/reset before headers. reset reason: protocol error"
)

// route is the router: match, then answer locally or pick a cluster.
func (st *stream) route() {
	d := st.d
	s := d.m.stats
	_, rt := d.m.routes.Load().Match(st.routeRequest())
	if rt == nil {
		s.NoRoute.Inc(d.shard)
		st.localReply(404, nil, nil, "route_not_found")
		return
	}
	st.rt = rt
	switch rt.Action {
	case route.ActionDirectResponse:
		s.DirectResponse.Inc(d.shard)
		st.localReply(rt.DirectResponse.Status, rt.DirectResponse.Body, nil, "direct_response")
		return
	case route.ActionRedirect:
		s.Redirect.Inc(d.shard)
		loc := rt.Redirect.AppendLocation(nil, st.routeRequest())
		st.localReply(rt.Redirect.Status, nil, [][2]string{{"location", string(loc)}}, "redirect")
		return
	}
	f := rt.Forward
	name := rt.PickCluster(rand.Uint32(), st.routeRequest())
	cl := d.m.sh.Clusters.Get(name)
	if cl == nil {
		s.NoCluster.Inc(d.shard)
		st.localReply(f.ClusterNotFoundStatus, nil, nil, "cluster_not_found")
		return
	}
	st.cluster, st.cs = cl, d.pools.clusterStats(name)
	if !cl.AcquireRequest() {
		st.cs.RqPendingOverflow.Inc(d.shard)
		st.localReply(503, []byte(msgOverflow), nil, "upstream_overflow")
		return
	}
	st.rqSlot = true
	st.cs.RqTotal.Inc(d.shard)
	st.cs.RqActive.Inc(d.shard)
	if f.Timeout > 0 {
		if st.timeout == nil {
			st.timeout = d.loop.AfterFunc(f.Timeout, st.onTimeout)
		} else {
			st.timeout.Reset(f.Timeout)
		}
	}
	st.attempt()
}

// attempt sends the request to a host of the cluster: on a pooled
// connection now, or when one is free.
func (st *stream) attempt() {
	d := st.d
	st.attempts++
	cl := st.cluster
	if cl.Config().Type == config.OriginalDst && d.m.sh.IsOwnAddress != nil && d.m.sh.IsOwnAddress(d.local) {
		st.localReply(503, []byte(msgNoHealthy), nil, "loop_refused")
		return
	}
	h := cl.PickFor(d.shard, d.local)
	if h == nil {
		cl.Stats.CxNoneHealthy.Inc(d.shard)
		st.localReply(503, []byte(msgNoHealthy), nil, "no_healthy_upstream")
		return
	}
	st.host, st.lastHost = h, h
	h.RequestStarted()
	st.hp = d.pools.get(cl, h)
	uc, queued, overflow := st.hp.acquire(st)
	switch {
	case overflow:
		st.cs.RqPendingOverflow.Inc(d.shard)
		st.localReply(503, []byte(msgOverflow), nil, "upstream_overflow")
	case queued:
		st.cs.RqPendingTotal.Inc(d.shard)
	default:
		st.attach(uc)
	}
}

// attach starts the attempt on connection uc.
func (st *stream) attach(uc *upconn) {
	d := st.d
	st.up = uc
	uc.st = st
	uc.resp.Reset(st.req.Method())
	st.gotHead = false
	if p := st.retryPolicy(); p != nil && p.PerTryTimeout > 0 {
		st.perTry = d.loop.AfterFunc(p.PerTryTimeout, st.onPerTryTimeout)
	}
	st.sendHead(uc)
	if len(st.replay) > 0 && st.attempts > 1 {
		_, _ = uc.c.Write(st.replay)
	}
	if st.reqDone {
		return
	}
	st.downstreamData()
	if uc.c.InboundBuffered() > 0 { // an early response
		st.upstreamData(uc)
	}
}

func (st *stream) retryPolicy() *route.RetryPolicy {
	if st.rt == nil || st.rt.Forward == nil {
		return nil
	}
	return st.rt.Forward.Retry
}

// connectFailed is called by the pool when the connect for this (waiting)
// stream failed.
func (st *stream) connectFailed(err error) {
	st.attemptFailed(route.FailureConnect, 503, msgConnectFail, "upstream_connect_failure")
}

// upstreamClosed handles the upstream connection closing during an attempt.
func (st *stream) upstreamClosed(uc *upconn) {
	if st.phase == phaseTunnel {
		st.tunnelClosed()
		return
	}
	st.up = nil
	if st.gotHead && st.respBody.untilClose() {
		st.finishResponse()
		return
	}
	if st.gotHead {
		// The response was cut short: nothing to do but reset the client.
		st.cs.RqRxReset.Inc(st.shard())
		st.d.reset()
		st.finish()
		return
	}
	st.cs.RqRxReset.Inc(st.shard())
	if uc.served > 0 && st.attempts == 1 && !st.noReplay {
		// A reused keep-alive connection the server had closed: the request
		// never reached it; try once more on a fresh connection.
		st.attempts--
		st.retryNow()
		return
	}
	st.attemptFailed(route.FailureReset, 503, msgReset, "upstream_reset_before_response_started")
}

// attemptFailed retries a failed attempt when the policy allows, else
// answers with status and msg.
func (st *stream) attemptFailed(f route.Failure, status int, msg, details string) {
	st.endAttempt()
	if p := st.retryPolicy(); p != nil && p.RetriesFailure(f) && st.scheduleRetry(p) {
		return
	}
	st.localReply(status, []byte(msg), nil, details)
}

// endAttempt releases what the current attempt holds.
func (st *stream) endAttempt() {
	st.perTry.Stop()
	st.perTry = nil
	if st.host != nil {
		st.host.RequestDone(false, false)
		st.host = nil
	}
	if st.pending {
		st.hp.cancel(st)
	}
	if uc := st.up; uc != nil {
		st.up = nil
		uc.abort()
	}
}

// scheduleRetry arranges the next attempt after Envoy's jittered back-off.
// It reports false when no retry is possible.
func (st *stream) scheduleRetry(p *route.RetryPolicy) bool {
	d := st.d
	if st.noReplay || st.attempts > int(p.NumRetries) || st.phase != phaseRouting {
		return false
	}
	if !st.retrySlot {
		if !st.cluster.AcquireRetry() {
			st.cs.RqRetryOverflow.Inc(d.shard)
			return false
		}
		st.retrySlot = true
	}
	st.cs.RqRetry.Inc(d.shard)
	n := st.attempts
	limit := p.BackOffBase * time.Duration(int64(1)<<min(n, 20)-1)
	limit = min(limit, p.BackOffMax)
	wait := time.Duration(rand.Int64N(int64(limit) + 1))
	st.retryTimer = d.loop.AfterFunc(wait, st.retryNow)
	return true
}

func (st *stream) retryNow() {
	if st.phase != phaseRouting {
		return
	}
	st.attempt()
}

// onTimeout is the route timeout: the whole request, retries included.
func (st *stream) onTimeout() {
	if st.phase == phaseDone {
		return
	}
	st.cs.RqTimeout.Inc(st.shard())
	st.d.m.stats.RqTimeout.Inc(st.shard())
	if st.sentHead {
		st.endAttempt()
		st.d.reset()
		st.finish()
		return
	}
	st.endAttempt()
	st.localReply(504, []byte(msgTimeout), nil, "upstream_request_timeout")
}

// onPerTryTimeout ends one attempt; it is retried like a reset.
func (st *stream) onPerTryTimeout() {
	st.perTry = nil
	if st.phase != phaseRouting || st.gotHead {
		return
	}
	st.cs.RqPerTryTimeout.Inc(st.shard())
	st.attemptFailed(route.FailureReset, 504, msgTimeout, "upstream_per_try_timeout")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, upstream.ErrConnectTimeout) || (errors.As(err, &ne) && ne.Timeout())
}

// RouteName, ClusterName and ResponseStatus tell filters (filters/stats.Outcome) where the router
// sent the request and what was answered.
func (st *stream) RouteName() string {
	if st.rt == nil {
		return ""
	}
	return st.rt.Name
}

// ClusterName is the cluster the router picked; "" before routing or without a cluster.
func (st *stream) ClusterName() string {
	if st.cluster == nil {
		return ""
	}
	return st.cluster.Name()
}

// ResponseStatus is the status sent downstream (0 while none was).
func (st *stream) ResponseStatus() int {
	if !st.sentHead {
		return 0
	}
	return st.status
}

// hostTime records the request time on the host of the last attempt (host-level stats).
func (st *stream) hostTime() {
	if st.lastHost != nil {
		st.lastHost.RequestTime(time.Since(st.start))
	}
}
