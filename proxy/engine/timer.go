package engine

import "time"

// Timer is a one-shot callback on a loop, made by [Loop.AfterFunc].
type Timer struct {
	at    int64 // Loop.Now() deadline
	fn    func()
	index int // position in the heap; -1 when not scheduled
	loop  *Loop
}

// AfterFunc runs fn on the loop after d. Loop only. Timers cost no
// goroutine: the loop keeps a heap and one runtime timer for the earliest.
func (l *Loop) AfterFunc(d time.Duration, fn func()) *Timer {
	t := &Timer{fn: fn, index: -1, loop: l}
	t.Reset(d)
	return t
}

// Reset reschedules t to fire after d, whether or not it already fired or
// was stopped. Loop only.
func (t *Timer) Reset(d time.Duration) { t.ResetAt(t.loop.Now() + int64(d)) }

// ResetAt reschedules t to fire at at, a [Loop.Now] time: a caller that has just read the
// loop's clock saves reading it again. Loop only.
func (t *Timer) ResetAt(at int64) {
	l := t.loop
	t.at = at
	if t.index >= 0 {
		l.timers.fix(t.index)
	} else {
		l.timers.push(t)
	}
	l.arm()
}

// Stop cancels t. It reports whether t was scheduled. Loop only.
func (t *Timer) Stop() bool {
	if t == nil || t.index < 0 {
		return false
	}
	t.loop.timers.remove(t.index)
	return true
}

// arm makes sure the runtime timer fires no later than the earliest deadline.
func (l *Loop) arm() {
	if len(l.timers) == 0 {
		return
	}
	at := l.timers[0].at
	if l.wakeAt != 0 && l.wakeAt <= at {
		return
	}
	l.wakeAt = at
	l.wake.Reset(time.Duration(at - l.Now()))
}

// fire runs on the runtime timer's goroutine: it queues a timer run.
func (l *Loop) fire() {
	if l.posted.Swap(true) {
		return
	}
	if err := l.Post(l.runTimers); err != nil {
		l.posted.Store(false)
	}
}

// runTimers runs every expired timer. Loop only.
func (l *Loop) runTimers() {
	l.posted.Store(false)
	l.wakeAt = 0
	now := l.Now()
	for len(l.timers) > 0 && l.timers[0].at <= now {
		t := l.timers.remove(0)
		t.fn()
	}
	l.arm()
}

func (l *Loop) stopTimers() { l.wake.Stop() }

// timerHeap orders timers by deadline: a binary heap (container/heap's algorithm, typed, so that
// a call's timer costs no interface calls), each timer knowing its index.
type timerHeap []*Timer

// push adds t.
func (h *timerHeap) push(t *Timer) {
	t.index = len(*h)
	*h = append(*h, t)
	h.up(t.index)
}

// remove takes out and returns the timer at i.
func (h *timerHeap) remove(i int) *Timer {
	n := len(*h) - 1
	if n != i {
		h.swap(i, n)
		if !h.down(i, n) {
			h.up(i)
		}
	}
	t := (*h)[n]
	(*h)[n] = nil
	*h = (*h)[:n]
	t.index = -1
	return t
}

// fix restores the order after the deadline of the timer at i changed.
func (h timerHeap) fix(i int) {
	if !h.down(i, len(h)) {
		h.up(i)
	}
}

func (h timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if h[i].at <= h[j].at {
			break
		}
		h.swap(i, j)
		j = i
	}
}

// down moves the timer at i0 towards the leaves, within the first n; it reports whether it moved.
func (h timerHeap) down(i0, n int) bool {
	i := i0
	for {
		j := 2*i + 1
		if j >= n || j < 0 { // j < 0 after an int overflow
			break
		}
		if j2 := j + 1; j2 < n && h[j2].at < h[j].at {
			j = j2
		}
		if h[i].at <= h[j].at {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
