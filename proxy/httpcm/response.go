package httpcm

import (
	"errors"
	"strconv"
	"time"

	"github.com/skiffmesh/skiff/filters"
	httpc "github.com/skiffmesh/skiff/protocol/http"
	"github.com/skiffmesh/skiff/proxy/route"
)

// upstreamData handles bytes from the upstream: the response head, then
// its body.
func (st *stream) upstreamData(uc *upconn) {
	if st.up != uc || st.phase == phaseDone {
		return
	}
	if st.phase == phaseTunnel {
		st.tunnelFrom(true)
		return
	}
	if !st.gotHead && !st.parseResponseHead(uc) {
		return
	}
	if st.phase == phaseBody {
		st.forwardResponseBody(uc)
	}
}

// parseResponseHead parses the response head; it reports true once the
// head is complete and the stream moved on.
func (st *stream) parseResponseHead(uc *upconn) bool {
	for {
		buf, _ := uc.c.Peek(-1)
		n, err := uc.resp.Parse(buf)
		if errors.Is(err, httpc.ErrNeedMore) {
			return false
		}
		if err != nil {
			st.attemptFailed(route.FailureReset, 503, msgProtocol, "upstream_protocol_error")
			return false
		}
		if uc.resp.Interim() { // 100 Continue and friends: the client got ours
			_, _ = uc.c.Discard(n)
			uc.resp.Reset(st.req.Method())
			continue
		}
		uc.respHead = append(uc.respHead[:0], buf[:n]...)
		uc.resp.Rebase(uc.respHead)
		_, _ = uc.c.Discard(n)
		break
	}
	st.gotHead = true
	st.status = uc.resp.Status()
	st.perTry.Stop()
	if p := st.retryPolicy(); p != nil && p.RetriesStatus(st.status) && st.retry(p) {
		return false
	}
	st.cs.response(st.shard(), st.status)
	if st.attempts > 1 {
		st.cs.RqRetrySuccess.Inc(st.shard())
	}
	if !uc.resp.KeepAlive() {
		uc.noReuse = true
	}
	st.respBody.init(uc.resp.Framing())
	st.rhdrs.reset(&uc.resp.Header)
	st.phase = phaseResponse
	st.fi = len(st.filters)
	st.runResponseFilters()
	return st.phase == phaseBody
}

// retry drops a retriable response and tries again.
func (st *stream) retry(p *route.RetryPolicy) bool {
	if st.noReplay || st.attempts > int(p.NumRetries) {
		return false
	}
	st.gotHead = false
	st.endAttempt()
	if st.scheduleRetry(p) {
		return true
	}
	return false
}

// runResponseFilters runs the response phase, last filter first, then
// sends the head downstream.
func (st *stream) runResponseFilters() {
	for st.phase == phaseResponse && st.fi > 0 {
		st.fi--
		if st.filters[st.fi].OnResponse(st, (*responseView)(st)) == filters.Stop {
			return
		}
	}
	if st.phase == phaseResponse {
		head := st.encodeResponseHead()
		if st.status == 101 && st.wantsUpgrade() {
			st.d.write(head)
			st.startTunnel()
			return
		}
		st.phase = phaseBody
		if st.up != nil {
			st.forwardResponse(st.up, head)
		} else {
			st.d.write(head)
		}
	}
}

// responseView is the response as filters see it.
type responseView stream

func (v *responseView) Status() int              { return v.status }
func (v *responseView) Headers() filters.Headers { return &v.rhdrs }

// encodeResponseHead encodes the response head for the client into the
// loop's encoding buffer and counts it as sent; the caller writes it.
func (st *stream) encodeResponseHead() []byte {
	d := st.d
	uc := st.up
	st.rt.ResponseHeaders.Apply(&st.rhdrs)
	if d.m.cfg.AlwaysSetRequestIDInResponse {
		if id, ok := st.hdrs.Get("x-request-id"); ok {
			st.rhdrs.Set("x-request-id", string(id))
		}
	}
	upgraded := st.status == 101 && st.wantsUpgrade()
	closeAfter := !upgraded && (!st.keepAlive || (!st.reqDone && !st.body.none()) || st.respBody.untilClose() || d.closing)
	st.keepAlive = !closeAfter
	b := d.pools.enc[:0]
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(st.status), 10)
	b = append(b, ' ')
	b = append(b, uc.resp.Reason()...)
	b = append(b, "\r\n"...)
	b = st.rhdrs.appendFields(b, nil)
	if st.respBody.b.Kind() == httpc.BodyChunked {
		b = append(b, "transfer-encoding: chunked\r\n"...)
	}
	switch {
	case upgraded:
		b = append(b, "connection: upgrade\r\nupgrade: websocket\r\n"...)
	case closeAfter:
		b = append(b, "connection: close\r\n"...)
	case st.req.Minor() == 0:
		b = append(b, "connection: keep-alive\r\n"...)
	}
	b = append(b, "\r\n"...)
	d.pools.enc = b
	st.sentHead = true
	d.m.stats.class(st.status).Inc(d.shard)
	return b
}

// forwardResponseBody forwards response body bytes to the client.
func (st *stream) forwardResponseBody(uc *upconn) { st.forwardResponse(uc, nil) }

// forwardResponse sends head (if any) and the response body bytes read so
// far to the client, in one write: a small response leaves in one syscall.
func (st *stream) forwardResponse(uc *upconn, head []byte) {
	d := st.d
	buf, _ := uc.c.Peek(-1)
	n, done, err := st.respBody.scan(buf)
	switch {
	case n > 0 && len(head) > 0:
		d.writev(head, buf[:n])
	case n > 0:
		d.write(buf[:n])
	case len(head) > 0:
		d.write(head)
	}
	if n > 0 {
		_, _ = uc.c.Discard(n)
		st.txBytes += int64(n)
	}
	if err != nil {
		st.cs.RqRxReset.Inc(d.shard)
		st.endAttempt()
		d.reset()
		st.finish()
		return
	}
	if done {
		st.finishResponse()
		return
	}
	if d.outbound() > d.m.limit {
		st.pauseUpstreamFor(uc)
	}
}

// pauseUpstreamFor pauses reading the upstream until the client took half
// of what is queued for it.
func (st *stream) pauseUpstreamFor(uc *upconn) {
	d := st.d
	if d.loop.PauseRead(uc.c) != nil {
		return
	}
	d.loop.Watch(func() bool {
		if st.up != uc || st.phase == phaseDone || uc.closed {
			return true
		}
		if d.outbound() > d.m.limit/2 {
			return false
		}
		_ = d.loop.ResumeRead(uc.c)
		if st.phase == phaseTunnel {
			st.tunnelFrom(true)
		} else {
			st.forwardResponseBody(uc)
		}
		return true
	})
}

// finishResponse completes the stream after the last response byte.
func (st *stream) finishResponse() {
	st.cs.RqCompleted.Inc(st.shard())
	st.cs.RqTime.RecordDuration(st.shard(), time.Since(st.start))
	st.hostTime()
	st.finish()
}
