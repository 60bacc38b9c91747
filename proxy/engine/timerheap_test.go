package engine

import (
	"math/rand/v2"
	"testing"
)

// TestTimerHeapOrder pushes, moves and removes timers at random and checks that every timer
// knows its index and that the rest come out in deadline order.
func TestTimerHeapOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h timerHeap
	var live []*Timer
	check := func() {
		for i, x := range h {
			if x.index != i {
				t.Fatalf("timer at %d says %d", i, x.index)
			}
			if i > 0 && h[(i-1)/2].at > x.at {
				t.Fatalf("heap order broken at %d", i)
			}
		}
	}
	for range 5000 {
		switch op := r.IntN(4); {
		case op <= 1 || len(live) == 0:
			x := &Timer{at: r.Int64N(1000), index: -1}
			h.push(x)
			live = append(live, x)
		case op == 2:
			k := r.IntN(len(live))
			x := live[k]
			x.at = r.Int64N(1000)
			h.fix(x.index)
		default:
			k := r.IntN(len(live))
			x := live[k]
			if got := h.remove(x.index); got != x || x.index != -1 {
				t.Fatalf("removed %p (index %d), want %p", got, x.index, x)
			}
			live = append(live[:k], live[k+1:]...)
		}
		check()
	}
	prev := int64(-1)
	for len(h) > 0 {
		x := h.remove(0)
		if x.at < prev {
			t.Fatalf("deadline %d after %d", x.at, prev)
		}
		prev = x.at
	}
}
