package dubbo

// Corked output. A read from a consumer may hold many requests for one
// provider connection, and a read from a provider many responses for a few
// consumers; each connection collects what one event writes to it and
// sends it in one write once the event is handled (engine.Loop.FlushAfter),
// instead of one write per frame. The buffers come from the loop's free
// list and go back after the flush, so an idle connection holds none.

// maxPooledOut is the largest output buffer kept for reuse.
const maxPooledOut = 64 << 10

// output is one connection's corked bytes.
type output struct {
	buf []byte // nil unless a flush is queued
}

// add appends b; it reports whether a flush must be queued (the first
// bytes of the event).
func (o *output) add(ls *loopState, b []byte) bool {
	first := o.buf == nil
	if first {
		o.buf = ls.takeBuf()
	}
	o.buf = append(o.buf, b...)
	return first
}

// take returns the corked bytes and leaves o empty; the caller gives them
// back with loopState.putBuf once written.
func (o *output) take() []byte {
	b := o.buf
	o.buf = nil
	return b
}

// pending is the number of corked bytes.
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
