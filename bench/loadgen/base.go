//go:build linux

package loadgen

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// base is what both generators share: the epoll loop, the run's time
// line (origin, warm-up, window and drain edges, the phase and its hooks),
// the wait between sends and the samples. Times are nanoseconds since
// start.
type base struct {
	cfg                          Config
	hooks                        Hooks
	poll                         *poller
	start                        time.Time
	spin, warmEnd, end, drainEnd int64
	phase                        phase
	armedAt                      int64 // deadline the timer is armed for, or -1
	latency, lag                 *Samples
	requests                     int64 // completed in the window
	fds                          []int // the connections, closed by close
}

// newBase makes the poller and the samples for a run of cfg.
func newBase(cfg Config, hooks Hooks) (base, error) {
	k := base{cfg: cfg, hooks: hooks, armedAt: -1}
	var err error
	if k.poll, err = newPoller(cfg.Conns + 1); err != nil {
		return base{}, err
	}
	k.latency, k.lag = NewSamples(cfg.expected()), NewSamples(0)
	if cfg.Mode == Open {
		k.lag = NewSamples(cfg.expected())
	}
	return k, nil
}

// dialAll dials cfg.Conns connections to addr, registers connection i
// with the poller and hands it to add.
func (k *base) dialAll(addr netip.AddrPort, add func(fd int)) error {
	for i := range k.cfg.Conns {
		fd, err := dial(addr)
		if err != nil {
			return err
		}
		k.fds = append(k.fds, fd)
		add(fd)
		if err := k.poll.add(fd, i); err != nil {
			return err
		}
	}
	return nil
}

// close closes the connections and the poller.
func (k *base) close() {
	for _, fd := range k.fds {
		unix.Close(fd)
	}
	k.poll.close()
}

// readConn reads connection i (descriptor fd) into b: 0 bytes and no
// error when nothing is there; an error for a failed read or the peer's
// end of stream.
func readConn(i, fd int, b []byte) (int, error) {
	n, err := unix.Read(fd, b)
	if errors.Is(err, unix.EAGAIN) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("loadgen: conn %d: read: %w", i, err)
	}
	if n == 0 {
		return 0, fmt.Errorf("loadgen: conn %d: closed by peer", i)
	}
	return n, nil
}

// result is the run's Result with unfinished requests left over.
func (k *base) result(unfinished int) Result {
	return Result{
		Mode:       k.cfg.Mode,
		Requests:   k.requests,
		Window:     k.cfg.Duration,
		Unfinished: unfinished,
		Latency:    k.latency.Percentiles(),
		SendLag:    k.lag.Percentiles(),
	}
}

// generatorLoop is what drive needs of a generator.
type generatorLoop interface {
	advancePhase(now int64)
	now() int64
	done(now int64) bool
	sendDue(now int64) error
	waitAndRead(now int64) error
}

// drive runs g until it is done or fails.
func drive(g generatorLoop) error {
	for {
		now := g.now()
		g.advancePhase(now)
		if g.done(now) {
			return nil
		}
		if err := g.sendDue(now); err != nil {
			return err
		}
		if err := g.waitAndRead(now); err != nil {
			return err
		}
	}
}

// setEdges fixes the window's edges; startClock fixes the origin.
func (k *base) setEdges() {
	k.spin = int64(k.cfg.Spin)
	k.warmEnd = int64(k.cfg.Warmup)
	k.end = k.warmEnd + int64(k.cfg.Duration)
	k.drainEnd = k.end + int64(k.cfg.Drain)
}

func (k *base) startClock() { k.start = time.Now() }

func (k *base) now() int64 { return int64(time.Since(k.start)) }

// advancePhase moves through warm-up, window and drain, calling the hooks.
func (k *base) advancePhase(now int64) {
	if k.phase == warming && now >= k.warmEnd {
		k.phase = measuring
		if k.hooks.MeasureStart != nil {
			k.hooks.MeasureStart()
		}
	}
	if k.phase == measuring && now >= k.end {
		k.phase = draining
		if k.hooks.MeasureEnd != nil {
			k.hooks.MeasureEnd()
		}
	}
}

// nextEdge is the earliest phase edge after now, or the drain deadline.
func (k *base) nextEdge(now int64) int64 {
	t := k.drainEnd
	for _, edge := range [2]int64{k.warmEnd, k.end} {
		if edge > now && edge < t {
			t = edge
		}
	}
	return t
}

// readable is a generator's handler of a readable connection.
type readable interface {
	onReadable(i int, now int64) error
}

// waitUntil sleeps until the next event or target (busy-polling the last
// k.spin nanoseconds) and hands every readable connection to r.
func (k *base) waitUntil(now, target int64, r readable) error {
	msec := 0
	if target-now > k.spin {
		if armAt := target - k.spin; armAt != k.armedAt {
			if err := k.poll.arm(time.Duration(armAt - now)); err != nil {
				return err
			}
			k.armedAt = armAt
		}
		msec = -1
	}
	events, err := k.poll.wait(msec)
	if err != nil {
		return err
	}
	if len(events) == 0 {
		yield()
		return nil
	}
	now = k.now()
	for _, ev := range events {
		if ev.Fd == timerToken {
			k.poll.clearTimer()
			k.armedAt = -1
			continue
		}
		if err := r.onReadable(int(ev.Fd), now); err != nil {
			return err
		}
	}
	return nil
}
