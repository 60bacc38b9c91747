//go:build linux

package epollserver

import (
	"errors"

	"golang.org/x/sys/unix"
)

// conn is one accepted connection.
type conn struct {
	fd  int
	in  []byte // received bytes not yet answered (cap Server.inSize)
	out []byte // responses not yet written
	// blocked is set while c.out waits for EPOLLOUT; c is not read then.
	blocked bool
}

// loop is the state of Serve; it belongs to Serve's goroutine.
type loop struct {
	srv   *Server
	lfd   int
	conns map[int32]*conn
}

// run handles events until the server is closed.
func (l *loop) run() error {
	p := l.srv.poll
	for {
		events, err := p.wait()
		if err != nil {
			return err
		}
		for _, ev := range events {
			switch int(ev.Fd) {
			case p.evfd:
				return nil
			case l.lfd:
				if err := l.acceptAll(); err != nil {
					return err
				}
			default:
				if c := l.conns[ev.Fd]; c != nil {
					l.serve(c)
				}
			}
		}
	}
}

// acceptAll accepts every pending connection.
func (l *loop) acceptAll() error {
	for {
		fd, _, err := unix.Accept4(l.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch {
		case errors.Is(err, unix.EAGAIN):
			return nil
		case errors.Is(err, unix.EINTR) || errors.Is(err, unix.ECONNABORTED):
			continue
		case errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE):
			return nil // the listener stays readable; retried on the next event
		case err != nil:
			return err
		}
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if err := l.srv.poll.add(fd, unix.EPOLLIN); err != nil {
			unix.Close(fd)
			return err
		}
		l.conns[int32(fd)] = &conn{fd: fd, in: make([]byte, 0, l.srv.inSize), out: make([]byte, 0, l.srv.outSize)}
	}
}

// serve handles an event on c: it flushes pending output, or reads,
// answers every complete request and writes the answers. A read error or
// end of stream closes c (EPOLLHUP and EPOLLERR end up there too).
func (l *loop) serve(c *conn) {
	if c.blocked {
		l.flush(c)
		return
	}
	n, err := unix.Read(c.fd, c.in[len(c.in):cap(c.in)])
	if errors.Is(err, unix.EAGAIN) {
		return
	}
	if err != nil || n == 0 {
		l.drop(c)
		return
	}
	c.in = c.in[:len(c.in)+n]
	if err := l.answer(c); err != nil {
		l.drop(c)
		return
	}
	l.flush(c)
}

// answer queues the answers to every complete request in c.in and keeps
// the incomplete rest. A full buffer without a complete request is an error.
func (l *loop) answer(c *conn) error {
	out, used, err := l.srv.answer(c.out, c.in)
	if err != nil {
		return err
	}
	c.out = out
	c.in = c.in[:copy(c.in, c.in[used:])]
	if len(c.in) == cap(c.in) {
		return ErrFull
	}
	return nil
}

// flush writes c.out. What the socket does not take waits for EPOLLOUT,
// and c is not read until it has been written.
func (l *loop) flush(c *conn) {
	n, err := unix.Write(c.fd, c.out)
	if err != nil && !errors.Is(err, unix.EAGAIN) {
		l.drop(c)
		return
	}
	c.out = c.out[:copy(c.out, c.out[max(n, 0):])]
	blocked := len(c.out) > 0
	if blocked == c.blocked {
		return
	}
	c.blocked = blocked
	events := uint32(unix.EPOLLIN)
	if blocked {
		events = unix.EPOLLOUT
	}
	if err := l.srv.poll.modify(c.fd, events); err != nil {
		l.drop(c)
	}
}

// drop closes c.
func (l *loop) drop(c *conn) {
	delete(l.conns, int32(c.fd))
	unix.Close(c.fd)
}

// closeAll closes the listener's duplicate and every connection.
func (l *loop) closeAll() {
	for _, c := range l.conns {
		unix.Close(c.fd)
	}
	clear(l.conns)
	unix.Close(l.lfd)
}
