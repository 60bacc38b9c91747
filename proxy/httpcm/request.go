package httpcm

import (
	"encoding/hex"
	"math/rand/v2"
)

// maxReplay bounds the request body kept for retries; a larger body is not
// retried.
const maxReplay = 64 << 10

// sendHead encodes the request head for the upstream: the route's path and
// host rewrites, the request header mutations, x-forwarded-*, x-request-id,
// without hop-by-hop fields.
func (st *stream) sendHead(uc *upconn) {
	d := st.d
	req := st.req
	if st.attempts == 1 {
		st.editRequest()
	}
	b := d.pools.enc[:0]
	b = append(b, req.Method()...)
	b = append(b, ' ')
	if rw, ok := st.rt.RewritePath(b, req.Path()); ok {
		b = rw
		if q, ok := req.Query(); ok {
			b = append(b, '?')
			b = append(b, q...)
		}
	} else if pq := req.PathQuery(); len(pq) > 0 && pq[0] == '/' {
		b = append(b, pq...)
	} else {
		b = append(b, '/') // absolute-form "http://h" or "http://h?q"
		b = append(b, pq...)
	}
	if req.Minor() == 0 {
		b = append(b, " HTTP/1.0\r\n"...)
		uc.noReuse = true
	} else {
		b = append(b, " HTTP/1.1\r\n"...)
	}
	b = append(b, "host: "...)
	b = append(b, st.upstreamHost()...)
	b = append(b, "\r\n"...)
	b = st.hdrs.appendFields(b, skipHost)
	if f := req.Framing(); f.Kind == bodyChunkedKind {
		b = append(b, "transfer-encoding: chunked\r\n"...)
	}
	if st.wantsUpgrade() {
		b = append(b, "connection: upgrade\r\nupgrade: websocket\r\n"...)
		uc.noReuse = true
	}
	b = append(b, "\r\n"...)
	d.pools.enc = b
	_, _ = uc.c.Write(b)
}

func skipHost(name []byte) bool { return equalFoldASCII(name, "host") }

// editRequest applies, once per request, what changes the head on its way
// upstream.
func (st *stream) editRequest() {
	cfg := st.d.m.cfg
	h := &st.hdrs
	st.rt.RequestHeaders.Apply(h)
	if cfg.UseRemoteAddress && !cfg.SkipXffAppend {
		addr := st.d.remote.Addr().String()
		if v, ok := h.Get("x-forwarded-for"); ok {
			h.Set("x-forwarded-for", string(v)+", "+addr)
		} else {
			h.Set("x-forwarded-for", addr)
		}
	}
	if cfg.UseRemoteAddress || !h.Has("x-forwarded-proto") {
		h.Set("x-forwarded-proto", "http")
	}
	if cfg.GenerateRequestID {
		if _, ok := h.Get("x-request-id"); !ok || (cfg.UseRemoteAddress && !cfg.PreserveExternalRequestID) {
			h.Set("x-request-id", newRequestID())
		}
	}
}

// upstreamHost is the Host sent upstream: host_rewrite_literal, the host
// name of the endpoint (auto_host_rewrite), or the request's own.
func (st *stream) upstreamHost() []byte {
	f := st.rt.Forward
	switch {
	case f.HostRewrite != "":
		return []byte(f.HostRewrite)
	case f.AutoHostRewrite && st.host != nil:
		if st.host.Hostname() != "" {
			return []byte(st.host.Hostname())
		}
		return []byte(st.host.Addr().String())
	}
	return st.req.Host()
}

// newRequestID is a random UUID (version 4), as Envoy generates.
func newRequestID() string {
	var u [16]byte
	a, b := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		u[i], u[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

// downstreamData forwards request body bytes that arrived from downstream.
// Before an upstream connection is attached they wait in gnet's buffer
// (reading pauses past the buffer limit).
func (st *stream) downstreamData() {
	d := st.d
	if st.phase == phaseTunnel {
		st.tunnelFrom(false)
		return
	}
	if st.reqDone || st.phase == phaseDone {
		st.holdDownstream()
		return
	}
	buf, _ := d.c.Peek(-1)
	if st.body.none() {
		st.reqDone = true
		st.holdDownstream()
		return
	}
	if st.up == nil {
		st.holdDownstream()
		return
	}
	n, done, err := st.body.scan(buf)
	if err != nil {
		d.m.stats.CxProtocolError.Inc(d.shard)
		st.keepAlive = false
		st.endAttempt()
		st.localReply(400, []byte(err.Error()), nil, "request_body_invalid")
		return
	}
	if n > 0 {
		part := buf[:n]
		if !st.noReplay {
			if len(st.replay)+n > maxReplay {
				st.noReplay, st.replay = true, st.replay[:0]
			} else {
				st.replay = append(st.replay, part...)
			}
		}
		_, _ = st.up.c.Write(part)
		_, _ = d.c.Discard(n)
		st.rxBytes += int64(n)
	}
	if done {
		st.reqDone = true
	}
	if st.up != nil && st.up.c.OutboundBuffered() > d.m.limit {
		st.pauseDownstreamFor(st.up)
	}
}

// holdDownstream leaves bytes in gnet's buffer, pausing reading past the limit.
func (st *stream) holdDownstream() {
	d := st.d
	if !d.paused && d.c.InboundBuffered() > d.m.limit {
		if d.loop.PauseRead(d.c) == nil {
			d.paused = true
		}
	}
}

// pauseDownstreamFor pauses reading the client until uc took half its backlog.
func (st *stream) pauseDownstreamFor(uc *upconn) {
	d := st.d
	if d.paused || d.loop.PauseRead(d.c) != nil {
		return
	}
	d.paused = true
	d.loop.Watch(func() bool {
		if d.closing || !d.paused || st.up != uc || st.phase == phaseDone {
			return true
		}
		if uc.c.OutboundBuffered() > d.m.limit/2 {
			return false
		}
		d.paused = false
		_ = d.loop.ResumeRead(d.c)
		st.downstreamData()
		return true
	})
}
