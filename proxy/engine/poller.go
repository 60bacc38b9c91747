package engine

import (
	"errors"
	"reflect"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// ErrPauseUnsupported means the gnet build in use does not let Skiff reach
// its epoll descriptor, so reading cannot be paused; callers fall back to
// closing connections that exceed their buffer limit.
var ErrPauseUnsupported = errors.New("engine: pausing reads is not supported with this gnet build")

// gnet (v2.10) keeps reading a readable socket into an unbounded buffer and
// offers no way to stop. Skiff pauses a connection by changing the event
// mask of its descriptor in the loop's epoll set, which it finds through the
// loop's unexported poller (gnet v2.10 layout: eventloop.poller.fd). The
// masks mirror gnet's own level-triggered ones (ReadEvents = EPOLLIN|EPOLLPRI,
// WriteEvents = EPOLLOUT). gnet re-arms reading by itself when it finishes
// flushing a connection's outbound buffer; a paused handler therefore must
// tolerate OnTraffic while paused (keep the bytes, pause again).
type poller struct{ fd int } // -1 when unavailable

const (
	readEvents  = unix.EPOLLIN | unix.EPOLLPRI
	writeEvents = unix.EPOLLOUT
)

func newPoller(el gnet.EventLoop) poller {
	fd, ok := epollFD(el)
	if !ok {
		return poller{fd: -1}
	}
	return poller{fd: fd}
}

// epollFD digs the epoll descriptor out of a gnet event loop.
func epollFD(el gnet.EventLoop) (fd int, ok bool) {
	defer func() {
		if recover() != nil { // layout differs from the one this was written for
			fd, ok = -1, false
		}
	}()
	v := reflect.ValueOf(el)
	if v.Kind() != reflect.Pointer {
		return -1, false
	}
	p := v.Elem().FieldByName("poller")
	if !p.IsValid() || p.Kind() != reflect.Pointer || p.IsNil() {
		return -1, false
	}
	f := p.Elem().FieldByName("fd")
	if !f.IsValid() || f.Kind() != reflect.Int {
		return -1, false
	}
	return int(f.Int()), true
}

// PauseRead stops reading c until ResumeRead. Loop only.
func (l *Loop) PauseRead(c gnet.Conn) error {
	if l.epoll.fd < 0 {
		return ErrPauseUnsupported
	}
	var ev uint32
	if c.OutboundBuffered() > 0 {
		ev = writeEvents
	}
	return l.epoll.mod(c.Fd(), ev)
}

// ResumeRead restarts reading c. Bytes gnet buffered before the pause are not
// replayed as an event: the caller processes them itself. Loop only.
func (l *Loop) ResumeRead(c gnet.Conn) error {
	if l.epoll.fd < 0 {
		return ErrPauseUnsupported
	}
	ev := uint32(readEvents)
	if c.OutboundBuffered() > 0 {
		ev |= writeEvents
	}
	return l.epoll.mod(c.Fd(), ev)
}

func (p poller) mod(fd int, ev uint32) error {
	return unix.EpollCtl(p.fd, unix.EPOLL_CTL_MOD, fd, &unix.EpollEvent{Fd: int32(fd), Events: ev})
}
