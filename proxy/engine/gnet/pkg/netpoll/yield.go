// Copyright (c) 2026 The Skiff Authors. Licensed under the Apache License, Version 2.0.

//go:build linux

package netpoll

import (
	"runtime"
	"time"
)

// yieldInterval is the shortest time between two yields of a poller that
// goes idle. It must stay well below the runtime's 10 ms forced-preemption
// period (see idleYield).
const yieldInterval = 5 * time.Millisecond

// idleYield stands in for the runtime.Gosched that gnet calls each time
// epoll_wait finds nothing and the poller is about to block.
//
// Gosched puts the goroutine on the global run queue and wakes a thread for
// an idle P (runtime.wakep): with GOMAXPROCS above the number of pollers,
// every idle transition of a poller cost a futex wake, a futex wait and two
// context switches on another thread, which finds no work and sleeps again.
// At 1,000 requests per second that was about two context switches per
// request. Yielding is still needed now and then: the goroutine otherwise
// never passes through the scheduler (its syscalls take the fast path), and
// after 10 ms sysmon treats it as running too long, signals it and retakes
// its P, which also resets sysmon to 20 us ticks.
type idleYield struct{ last time.Time }

// idle yields if the last yield was yieldInterval ago or more.
func (y *idleYield) idle() {
	if now := time.Now(); now.Sub(y.last) >= yieldInterval {
		y.last = now
		runtime.Gosched()
	}
}
