package dubbo

import "github.com/skiffmesh/skiff/protocol/dubbo"

// event handles the provider's events: heartbeats are answered, READONLY
// stops new calls on this connection (it closes once the calls in flight
// are done). Heartbeat responses need nothing: any frame counts as life.
func (uc *upconn) event(frame []byte, h dubbo.Header) {
	if !h.IsRequest() {
		return
	}
	body := frame[dubbo.HeaderSize:]
	switch {
	case dubbo.IsReadonly(h, body):
		uc.readonly = true
		uc.hp.remove(uc)
		if uc.inflight == 0 {
			uc.close()
		}
	case dubbo.IsHeartbeat(h, body) && h.IsTwoWay():
		ls := uc.hp.ls
		b := dubbo.AppendHeartbeatResponse(ls.enc[:0], h.ID)
		ls.enc = b[:0]
		uc.write(b)
	}
}

// onHeartbeat runs every heartbeat interval: a connection that received
// nothing during the interval is probed with a heartbeat, and closed after
// hbMisses silent intervals in a row (its calls fail). A connection that
// carried no call during the interval and whose host left its cluster (EDS,
// DNS, a new cluster version) or whose pool was replaced is closed.
func (uc *upconn) onHeartbeat() {
	if uc.closed {
		return
	}
	if uc.inflight == 0 && uc.sent == uc.sentSeen && !uc.hostCurrent() {
		uc.close()
		return
	}
	uc.sentSeen = uc.sent
	if uc.reads != uc.seen {
		uc.seen, uc.missed = uc.reads, 0
	} else {
		uc.missed++
		if uc.missed > uc.hbMisses {
			uc.fail("skiff: upstream heartbeat timeout: "+uc.hp.host.Addr().String(), false)
			return
		}
		uc.hbSeq++
		ls := uc.hp.ls
		b := dubbo.AppendHeartbeatRequest(ls.enc[:0], hbBit|uc.hbSeq)
		ls.enc = b[:0]
		uc.write(b)
	}
	uc.hb.Reset(uc.hbInterval)
}

// hostCurrent reports whether the connection's pool is still its loop's
// pool for the host and the host still a host of the current version of
// its cluster.
func (uc *upconn) hostCurrent() bool {
	hp := uc.hp
	if cur, _ := hp.ls.hosts.Get(hp.host); cur != hp {
		return false
	}
	cl := hp.ls.sh.Clusters.Get(hp.cluster.Name())
	if cl == nil {
		return false
	}
	for _, h := range cl.Hosts() {
		if h == hp.host {
			return true
		}
	}
	return false
}
