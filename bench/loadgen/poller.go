//go:build linux

package loadgen

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// timerToken marks the timer's events; connection events carry their index.
const timerToken = -1

// poller waits for readable connections and for a one-shot timer, both
// through one epoll instance. The timer is a timerfd, which wakes at its
// deadline without the timer slack that epoll_wait's own millisecond
// timeout has. A poller belongs to one goroutine.
type poller struct {
	epfd    int
	timerfd int
	events  []unix.EpollEvent
	scratch [8]byte
}

func newPoller(maxEvents int) (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("loadgen: epoll_create1: %w", err)
	}
	p := &poller{epfd: epfd, timerfd: -1, events: make([]unix.EpollEvent, maxEvents)}
	p.timerfd, err = unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		p.close()
		return nil, fmt.Errorf("loadgen: timerfd_create: %w", err)
	}
	if err := p.add(p.timerfd, timerToken); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// add watches fd for input; its events carry token.
func (p *poller) add(fd, token int) error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(token)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return fmt.Errorf("loadgen: epoll_ctl add: %w", err)
	}
	return nil
}

// arm sets the timer to fire once after d (d > 0).
func (p *poller) arm(d time.Duration) error {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
	if err := unix.TimerfdSettime(p.timerfd, 0, &spec, nil); err != nil {
		return fmt.Errorf("loadgen: timerfd_settime: %w", err)
	}
	return nil
}

// clearTimer consumes a timer expiry so the timer stops being readable.
func (p *poller) clearTimer() {
	_, _ = unix.Read(p.timerfd, p.scratch[:])
}

// wait returns ready events; msec < 0 blocks, 0 polls. The returned slice
// is reused by the next call.
func (p *poller) wait(msec int) ([]unix.EpollEvent, error) {
	for {
		n, err := unix.EpollWait(p.epfd, p.events, msec)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("loadgen: epoll_wait: %w", err)
		}
		return p.events[:n], nil
	}
}

func (p *poller) close() {
	if p.timerfd >= 0 {
		unix.Close(p.timerfd)
	}
	unix.Close(p.epfd)
}

// yield gives the CPU to any other runnable thread on this core; the
// generator calls it while busy-polling so a proxy sharing the core is
// not kept waiting.
func yield() {
	_, _, _ = unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
}
