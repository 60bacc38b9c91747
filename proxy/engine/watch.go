package engine

import "time"

// watchInterval is how often a loop re-checks its watches. gnet reports no
// "outbound buffer drained" event, so conditions such as "the peer took
// enough of our backlog to resume reading" are polled while any is pending.
const watchInterval = time.Millisecond

// Watch calls cond on the loop every millisecond until it returns true.
// cond is first called at the next check, not immediately. Loop only.
func (l *Loop) Watch(cond func() bool) {
	l.watches = append(l.watches, cond)
	if l.watchTick == nil {
		l.watchTick = l.AfterFunc(watchInterval, l.runWatches)
	}
}

func (l *Loop) runWatches() {
	l.watchTick = nil
	pending := l.watches
	l.watches = nil
	for _, cond := range pending {
		if !cond() {
			l.watches = append(l.watches, cond)
		}
	}
	if len(l.watches) > 0 && l.watchTick == nil {
		l.watchTick = l.AfterFunc(watchInterval, l.runWatches)
	}
}
