package dubbo

// Back-pressure: gnet reads and buffers without limit, so a consumer
// connection stops being read while more than the listener's buffer limit
// waits to be written to it or to the provider connection it last used, or
// is held in copies of its requests (calls paused by a filter, waiting for
// a provider connection or for their response), and resumes below half the
// limit.

// write queues bytes for the consumer; they are sent after the event
// (output.go).
func (d *dconn) write(b []byte) {
	if d.ended {
		return
	}
	if d.out.add(d.ls, d.c, b) {
		d.loop.FlushAfter(d)
	}
}

// Flush implements engine.Flusher: it sends the queued bytes; reading
// pauses while too much waits.
func (d *dconn) Flush() {
	d.out.flush(d.ls, d.c, !d.ended)
	if !d.ended && !d.paused && !d.closing && d.c.OutboundBuffered() > d.m.limit {
		d.pause()
	}
}

// overLimit reports whether the connection's backlog is over the limit.
func (d *dconn) overLimit() bool { return d.backlog(d.m.limit) }

// backlog reports whether more than n bytes wait for the consumer, for the
// provider connection it last used, or in its held requests.
func (d *dconn) backlog(n int) bool {
	if d.held > n || d.c.OutboundBuffered()+d.out.pending() > n {
		return true
	}
	uc := d.lastUp
	return uc != nil && !uc.closed && uc.c.OutboundBuffered()+uc.out.pending() > n
}

// hold accounts n bytes of request copies to the connection (release
// with a negative n).
func (d *dconn) hold(n int) { d.held += n }

// pause stops reading from the consumer until the backlog drains below
// half the limit; then the buffered requests are processed.
func (d *dconn) pause() {
	if d.paused {
		return
	}
	d.paused = true
	if err := d.loop.PauseRead(d.c); err != nil {
		d.paused = false // cannot pause: the limit is only best effort
		return
	}
	d.loop.Watch(func() bool {
		if d.closing {
			return true
		}
		if d.backlog(d.m.limit / 2) {
			return false
		}
		d.paused = false
		_ = d.loop.ResumeRead(d.c)
		d.process()
		return true
	})
}
