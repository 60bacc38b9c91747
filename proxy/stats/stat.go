package stats

import "sync/atomic"

// kind tells counters, gauges and histograms apart; each kind has its own slab and name space.
type kind uint32

const (
	kindCounter kind = iota
	kindGauge
	kindHistogram
	numKinds
)

// Bits of stat.word.
const (
	usedBit   = 1 << 0
	kindShift = 1
	unitShift = 3
	refShift  = 8
	refOne    = 1 << refShift
)

// stat is the body of Counter, Gauge and Histogram (48 bytes). Its values live in a chunk of the
// kind's slab at slot idx.
type stat struct {
	name  string                // encoded symbol ids; "" once released
	chunk atomic.Pointer[chunk] // the slab's sink once released
	owner *Scope                // the scope that created it, or nil; guarded by Store.mu
	next  *stat                 // next stat owned by the same scope; guarded by Store.mu
	idx   uint32                // slot within chunk
	word  atomic.Uint32         // used bit, kind, unit, and (guarded by Store.mu) holder count
}

func newStat(k kind, u Unit, name string) *stat {
	st := &stat{name: name}
	st.word.Store(uint32(k)<<kindShift | uint32(u)<<unitShift)
	return st
}

func (st *stat) kind() kind { return kind(st.word.Load()>>kindShift) & 3 }
func (st *stat) unit() Unit { return Unit(st.word.Load()>>unitShift) & 3 }
func (st *stat) refs() uint32 {
	return st.word.Load() >> refShift
}

// markUsed records that the stat was written; a load first keeps the cache line shared.
func (st *stat) markUsed() {
	if st.word.Load()&usedBit == 0 {
		st.word.Or(usedBit)
	}
}

func (st *stat) usedFlag() bool { return st.word.Load()&usedBit != 0 }
