package engine

import (
	"errors"
	"fmt"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// HalfConn is the write side of a socket whose peer has shut down its own
// write side. gnet closes a connection when it reads EOF; a handler that
// still has bytes to deliver (TCP half-close) calls [Loop.KeepForWriting]
// from OnClose and writes through the HalfConn instead. Writes go straight to
// the socket from the loop; when the socket is full, the loop retries every
// millisecond ([Loop.Watch]) until the backlog is gone. All methods are loop
// only.
type HalfConn struct {
	l       *Loop
	fd      int
	pending []byte

	waiting   bool
	closed    bool
	shutWrite bool // shut down the write side once pending is flushed
	closeWhen bool // close once pending is flushed
	onError   func(error)
}

// KeepForWriting keeps c's socket open past gnet's close, with the bytes gnet
// still had queued for it. Call it only from Handler.OnClose. onError is
// called (on the loop) if a later write fails.
func (l *Loop) KeepForWriting(c gnet.Conn, onError func(error)) (*HalfConn, error) {
	queued, ok := TakeOutbound(c)
	if !ok {
		return nil, errors.New("engine: keep for writing: cannot take gnet's outbound buffer")
	}
	fd, err := unix.Dup(c.Fd())
	if err != nil {
		return nil, fmt.Errorf("engine: keep for writing: dup: %w", err)
	}
	unix.CloseOnExec(fd)
	h := &HalfConn{l: l, fd: fd, onError: onError}
	if len(queued) > 0 {
		h.pending = queued
		h.flush()
	}
	return h, nil
}

// Buffered is the number of bytes accepted by Write and not yet sent.
func (h *HalfConn) Buffered() int { return len(h.pending) }

// Write sends b, queueing what the socket does not take now. b is copied.
func (h *HalfConn) Write(b []byte) {
	if h.closed || len(b) == 0 {
		return
	}
	if len(h.pending) > 0 {
		h.pending = append(h.pending, b...)
		return
	}
	n, err := unix.Write(h.fd, b)
	if err != nil && err != unix.EAGAIN {
		h.fail(err)
		return
	}
	if n < 0 {
		n = 0
	}
	if n < len(b) {
		h.pending = append(h.pending, b[n:]...)
		h.wait()
	}
}

// CloseWrite sends FIN once everything queued has been sent.
func (h *HalfConn) CloseWrite() {
	h.shutWrite = true
	h.settle()
}

// CloseAfterFlush closes the socket once everything queued has been sent.
func (h *HalfConn) CloseAfterFlush() {
	h.closeWhen = true
	h.settle()
}

// Close closes the socket now, dropping anything queued.
func (h *HalfConn) Close() {
	if h.closed {
		return
	}
	h.closed = true
	h.pending = nil
	_ = unix.Close(h.fd)
}

// Closed reports whether the socket is closed.
func (h *HalfConn) Closed() bool { return h.closed }

func (h *HalfConn) flush() {
	h.flushOnce()
	if len(h.pending) > 0 {
		h.wait()
		return
	}
	h.settle()
}

// flushOnce writes as much of the backlog as the socket takes now.
func (h *HalfConn) flushOnce() {
	for len(h.pending) > 0 && !h.closed {
		n, err := unix.Write(h.fd, h.pending)
		if err == unix.EAGAIN {
			return
		}
		if err != nil {
			h.fail(err)
			return
		}
		h.pending = h.pending[n:]
	}
	if len(h.pending) == 0 {
		h.pending = nil
	}
}

func (h *HalfConn) settle() {
	if h.closed || len(h.pending) > 0 {
		return
	}
	if h.shutWrite {
		_ = unix.Shutdown(h.fd, unix.SHUT_WR)
	}
	if h.closeWhen {
		h.Close()
	}
}

// wait retries the flush from the loop until the backlog is gone.
func (h *HalfConn) wait() {
	if h.waiting {
		return
	}
	h.waiting = true
	h.l.Watch(func() bool {
		if h.closed {
			h.waiting = false
			return true
		}
		h.flushOnce()
		if len(h.pending) > 0 && !h.closed {
			return false
		}
		h.waiting = false
		h.settle()
		return true
	})
}

func (h *HalfConn) fail(err error) {
	h.Close()
	if h.onError != nil {
		h.onError(err)
	}
}

// ReadRemaining reads what is still in c's socket receive buffer, up to
// EOF or until the socket has nothing more, passing each chunk to fn. gnet
// closes a connection on EPOLLHUP without reading, which loses data when
// reading was paused; a handler calls this from OnClose to recover it. The
// chunk is only valid during fn. Loop only.
func (l *Loop) ReadRemaining(c gnet.Conn, fn func([]byte)) {
	if l.scratch == nil {
		l.scratch = make([]byte, 64<<10)
	}
	for {
		n, err := unix.Read(c.Fd(), l.scratch)
		if n <= 0 || err != nil {
			return
		}
		fn(l.scratch[:n])
	}
}
