package httpcm

import (
	"net/http"
	"strconv"
	"time"
)

// localReply answers the request from the proxy (a filter, no route, no
// upstream, timeout, ...). Once the response head went out it can only
// reset the client.
func (st *stream) localReply(status int, body []byte, headers [][2]string, details string) {
	d := st.d
	if st.phase == phaseDone {
		return
	}
	st.details = details
	st.endAttempt()
	if st.sentHead {
		d.reset()
		st.finish()
		return
	}
	st.status = status
	if !st.reqDone && !st.body.none() {
		// The rest of the request body is still on its way: the connection
		// cannot carry another request.
		st.keepAlive = false
	}
	var extra [][2]string
	if st.rt != nil && len(st.rt.ResponseHeaders) > 0 {
		st.rhdrs.reset(nil)
		st.rt.ResponseHeaders.Apply(&st.rhdrs)
		for _, f := range st.rhdrs.adds {
			extra = append(extra, [2]string{f.name, f.value})
		}
	}
	extra = append(extra, headers...)
	d.writeLocal(status, body, !st.keepAlive || d.closing, extra)
	st.txBytes += int64(len(body))
	st.sentHead = true
	d.m.stats.class(status).Inc(d.shard)
	if st.cs != nil && st.rqSlot {
		st.cs.response(d.shard, status)
	}
	st.finish()
}

// writeLocal encodes a complete locally generated response.
func (d *dconn) writeLocal(status int, body []byte, closeConn bool, headers [][2]string) {
	b := d.pools.enc[:0]
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	b = append(b, "\r\ncontent-length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	if len(body) > 0 {
		b = append(b, "\r\ncontent-type: text/plain"...)
	}
	b = append(b, "\r\ndate: "...)
	b = time.Now().UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\nserver: "...)
	b = append(b, d.m.cfg.ServerName...)
	b = append(b, "\r\n"...)
	for _, h := range headers {
		b = append(b, h[0]...)
		b = append(b, ": "...)
		b = append(b, h[1]...)
		b = append(b, "\r\n"...)
	}
	if closeConn {
		b = append(b, "connection: close\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, body...)
	d.pools.enc = b
	d.write(b)
}
