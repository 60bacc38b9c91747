package httpcm

import "bytes"

// A WebSocket upgrade: the request goes upstream with its Upgrade field;
// a 101 response turns both connections into a byte tunnel served by the
// stream until either side closes.

var websocket = []byte("websocket")

// wantsUpgrade reports whether the request asks for a WebSocket upgrade the
// manager allows.
func (st *stream) wantsUpgrade() bool {
	if !st.d.m.cfg.UpgradeWebSocket {
		return false
	}
	v, ok := st.req.Upgrade()
	return ok && bytes.EqualFold(v, websocket)
}

// startTunnel switches the stream to relaying bytes both ways after the 101.
func (st *stream) startTunnel() {
	st.phase = phaseTunnel
	st.keepAlive = false
	st.reqDone = true
	st.timeout.Stop()
	st.d.m.stats.Upgrades.Inc(st.shard())
	if uc := st.up; uc != nil {
		uc.noReuse = true
		st.tunnelFrom(true)
	}
	st.tunnelFrom(false)
}

// tunnelFrom relays what one side has buffered to the other, pausing the
// sender when the receiver's queue passes the limit.
func (st *stream) tunnelFrom(upstream bool) {
	d, uc := st.d, st.up
	if uc == nil || uc.closed {
		return
	}
	src, dst := d.c, uc.c
	if upstream {
		src, dst = uc.c, d.c
	}
	buf, _ := src.Peek(-1)
	if len(buf) == 0 {
		return
	}
	_, _ = dst.Write(buf)
	_, _ = src.Discard(len(buf))
	if upstream {
		st.txBytes += int64(len(buf))
	} else {
		st.rxBytes += int64(len(buf))
	}
	if dst.OutboundBuffered() <= d.m.limit {
		return
	}
	if upstream {
		st.pauseUpstreamFor(uc)
	} else {
		st.pauseDownstreamFor(uc)
	}
}

// tunnelClosed ends the tunnel when the upstream closes.
func (st *stream) tunnelClosed() {
	st.up = nil
	st.finish()
}
