package dubbo

import "github.com/panjf2000/gnet/v2"

// Corked output. A read from a consumer may hold many requests for one
// provider connection, and a read from a provider many responses for a few
// consumers; each connection collects what one event writes to it and
// sends it in one write once the event is handled (engine.Loop.FlushAfter),
// instead of one write per frame. The buffers come from the loop's free
// list and go back after the flush, so an idle connection holds none. A
// frame of directWrite bytes or more is not copied: it leaves at once, in
// one writev behind what is queued before it.

const (
	// maxPooledOut is the largest output buffer kept for reuse.
	maxPooledOut = 64 << 10
	// directWrite is the size from which a frame is written as it is.
	directWrite = 16 << 10
)

// output is one connection's corked bytes.
type output struct {
	buf    []byte // nil until the event's first small frame
	queued bool   // a flush is queued for this event
}

// add queues b for connection c, or writes it at once when it is large
// (behind what is queued, so order holds). It reports whether the caller
// must queue a flush: the first bytes of the event.
func (o *output) add(ls *loopState, c gnet.Conn, b []byte) bool {
	first := !o.queued
	o.queued = true
	switch {
	case len(b) >= directWrite && len(o.buf) > 0:
		_, _ = c.Writev([][]byte{o.buf, b})
		o.buf = o.buf[:0]
	case len(b) >= directWrite:
		_, _ = c.Write(b)
	default:
		if o.buf == nil {
			o.buf = ls.takeBuf()
		}
		o.buf = append(o.buf, b...)
	}
	return first
}

// flush writes the queued bytes to c when open is true (else drops them)
// and returns the buffer to the loop.
func (o *output) flush(ls *loopState, c gnet.Conn, open bool) {
	if open && len(o.buf) > 0 {
		_, _ = c.Write(o.buf)
	}
	o.drop(ls)
}

// drop forgets the queued bytes.
func (o *output) drop(ls *loopState) {
	ls.putBuf(o.buf)
	o.buf, o.queued = nil, false
}

// pending is the number of queued bytes.
func (o *output) pending() int { return len(o.buf) }

// takeBuf returns an empty buffer from the loop's free list.
func (ls *loopState) takeBuf() []byte {
	if n := len(ls.bufs); n > 0 {
		b := ls.bufs[n-1]
		ls.bufs[n-1] = nil
		ls.bufs = ls.bufs[:n-1]
		return b
	}
	return make([]byte, 0, 4<<10)
}

// putBuf returns b to the loop's free list (large ones are dropped).
func (ls *loopState) putBuf(b []byte) {
	if b != nil && cap(b) <= maxPooledOut {
		ls.bufs = append(ls.bufs, b[:0])
	}
}
