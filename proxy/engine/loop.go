package engine

import (
	"context"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Loop is the state Skiff keeps per event loop: its index (the stats shard),
// its timers and its back-pressure watch list. Methods documented "loop
// only" must be called on the loop's goroutine.
type Loop struct {
	e     *Engine
	el    gnet.EventLoop
	idx   int
	epoll poller

	timers    timerHeap
	wake      *time.Timer // fires at timers[0].at
	wakeAt    int64
	posted    atomic.Bool // a timer run is queued on the loop
	base      time.Time
	watches   []func() bool
	watchTick *Timer
	scratch   []byte // ReadRemaining buffer
	locals    map[any]any
	flushes   []Flusher // queued by FlushAfter during the current event
	flushing  bool      // flushQueued is running
}

func newLoop(e *Engine, el gnet.EventLoop, idx int) *Loop {
	l := &Loop{e: e, el: el, idx: idx, base: time.Now(), epoll: newPoller(el)}
	l.wake = time.AfterFunc(time.Hour, l.fire)
	l.wake.Stop()
	return l
}

// Index is the loop's index in [0, Engine.NumLoops()); stats shards use it.
func (l *Loop) Index() int { return l.idx }

// Engine is the engine this loop belongs to.
func (l *Loop) Engine() *Engine { return l.e }

// Post runs fn on the loop. Any goroutine may call it.
func (l *Loop) Post(fn func()) error {
	err := l.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
		fn()
		l.flushQueued()
		return nil
	}))
	if err != nil {
		return fmt.Errorf("engine: post: %w", err)
	}
	return nil
}

// Enroll adds an established connection (typically an upstream dialled
// off-loop) to this loop, served by h, and waits until the loop has opened
// it. It takes ownership of nc. It must not be called on a loop goroutine
// (the loop has to run for it to return). On success h.OnOpen has run; on
// failure h sees no event.
func (l *Loop) Enroll(nc net.Conn, h Handler) error {
	if !l.e.beginOpen() {
		_ = nc.Close()
		return ErrStopped
	}
	defer l.e.opening.Done()
	ch, err := l.el.Enroll(gnet.NewContext(context.Background(), h), nc)
	if err != nil {
		_ = nc.Close()
		return fmt.Errorf("engine: enroll: %w", err)
	}
	if res := <-ch; res.Err != nil {
		return fmt.Errorf("engine: enroll: %w", res.Err)
	}
	return nil
}

// Now returns the loop's notion of the current time as nanoseconds since the
// loop was created (monotonic).
func (l *Loop) Now() int64 { return int64(time.Since(l.base)) }

// Local returns the loop-local value stored under key, creating it with
// make on first use. Per-loop state such as connection pools lives here.
// Loop only.
func (l *Loop) Local(key any, make func() any) any {
	if v, ok := l.locals[key]; ok {
		return v
	}
	if l.locals == nil {
		l.locals = map[any]any{}
	}
	v := make()
	l.locals[key] = v
	return v
}

// FlushAfter has f.Flush called once the current event is handled: the
// gnet callback, timer or posted function now running on the loop. A
// handler that writes to a connection several times in one event (a
// multiplexed protocol answering a read's worth of requests) collects the
// bytes and queues itself once, so they leave in one write instead of one
// per request. Loop only.
func (l *Loop) FlushAfter(f Flusher) { l.flushes = append(l.flushes, f) }

// flushQueued calls the Flushers queued during the event, including those
// queued by a Flush. A Flush whose write fails makes gnet close that
// connection at once, and the close handler calls flushQueued again: that
// inner call returns at once and the running one carries on, since the
// Flushers it queued are further down the same list. Loop only.
func (l *Loop) flushQueued() {
	if l.flushing {
		return
	}
	l.flushing = true
	for i := 0; i < len(l.flushes); i++ {
		f := l.flushes[i]
		l.flushes[i] = nil
		f.Flush()
	}
	l.flushes = l.flushes[:0]
	l.flushing = false
}
