package engine

import (
	"container/heap"
	"time"
)

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
		heap.Fix(&l.timers, t.index)
	} else {
		heap.Push(&l.timers, t)
	}
	l.arm()
}

// Stop cancels t. It reports whether t was scheduled. Loop only.
func (t *Timer) Stop() bool {
	if t == nil || t.index < 0 {
		return false
	}
	heap.Remove(&t.loop.timers, t.index)
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
		t := heap.Pop(&l.timers).(*Timer)
		t.fn()
	}
	l.arm()
}

func (l *Loop) stopTimers() { l.wake.Stop() }

// timerHeap orders timers by deadline.
type timerHeap []*Timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
