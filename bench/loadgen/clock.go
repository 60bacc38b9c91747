//go:build linux

package loadgen

import (
	"time"
)

// clock is what both generators share: the epoll loop, the run's time
// line (origin, warm-up, window and drain edges, the phase and its hooks)
// and the wait between sends. Times are nanoseconds since start.
type clock struct {
	hooks                        Hooks
	poll                         *poller
	start                        time.Time
	spin, warmEnd, end, drainEnd int64
	phase                        phase
	armedAt                      int64 // deadline the timer is armed for, or -1
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

// setEdges fixes the window's edges from cfg; startClock fixes the origin.
func (k *clock) setEdges(cfg Config) {
	k.spin = int64(cfg.Spin)
	k.warmEnd = int64(cfg.Warmup)
	k.end = k.warmEnd + int64(cfg.Duration)
	k.drainEnd = k.end + int64(cfg.Drain)
}

func (k *clock) startClock() { k.start = time.Now() }

func (k *clock) now() int64 { return int64(time.Since(k.start)) }

// advancePhase moves through warm-up, window and drain, calling the hooks.
func (k *clock) advancePhase(now int64) {
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
func (k *clock) nextEdge(now int64) int64 {
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
func (k *clock) waitUntil(now, target int64, r readable) error {
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
