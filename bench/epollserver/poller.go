//go:build linux

package epollserver

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// poller is an epoll instance plus an eventfd that wakes it from another
// goroutine. Events carry the descriptor they are about.
type poller struct {
	epfd, evfd int
	events     []unix.EpollEvent
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epollserver: epoll_create1: %w", err)
	}
	evfd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("epollserver: eventfd: %w", err)
	}
	p := &poller{epfd: epfd, evfd: evfd, events: make([]unix.EpollEvent, 256)}
	if err := p.add(evfd, unix.EPOLLIN); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *poller) add(fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return fmt.Errorf("epollserver: epoll_ctl add: %w", err)
	}
	return nil
}

// modify changes the events watched on fd.
func (p *poller) modify(fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_MOD, fd, &ev); err != nil {
		return fmt.Errorf("epollserver: epoll_ctl mod: %w", err)
	}
	return nil
}

// wait blocks until events are ready; the slice is reused by the next call.
func (p *poller) wait() ([]unix.EpollEvent, error) {
	for {
		n, err := unix.EpollWait(p.epfd, p.events, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("epollserver: epoll_wait: %w", err)
		}
		return p.events[:n], nil
	}
}

// wake makes a wait in progress (or the next one) return the eventfd.
func (p *poller) wake() {
	var one = [8]byte{1}
	_, _ = unix.Write(p.evfd, one[:])
}

func (p *poller) close() {
	unix.Close(p.evfd)
	unix.Close(p.epfd)
}
