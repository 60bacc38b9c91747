package xds

import (
	"math/rand/v2"
	"time"
)

// backoff is exponential back-off with jitter: the n-th wait is drawn from [step/2, step] where
// step = base * 2^n, capped at max.
type backoff struct {
	base, max time.Duration
	step      time.Duration
}

// next returns the next wait and doubles the step.
func (b *backoff) next() time.Duration {
	if b.step == 0 {
		b.step = b.base
	}
	d := b.step/2 + rand.N(b.step/2+1)
	b.step = min(2*b.step, b.max)
	return d
}

// reset starts over after a stream that worked.
func (b *backoff) reset() { b.step = 0 }
