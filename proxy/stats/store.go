package stats

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// Shared is the shard index for writers that are not an event loop (accept goroutines, admin, DNS
// resolvers). Their updates go to a shared atomic slot and may come from any goroutine.
const Shared = -1

// Store owns a set of stats. Stat creation, Release and rendering may be called from any goroutine;
// updates follow the shard contract described on Counter.
type Store struct {
	mu     sync.RWMutex // guards everything below except values in chunks
	loops  int
	seed   maphash.Seed
	syms   symbols
	table  probeTable[*stat]
	slabs  [numKinds]*slab
	bounds *unitBounds

	arenaHint atomic.Int64 // name bytes of the last snapshot, to size the next one
	srcs      sources      // Prometheus series kept outside the store
}

// NewStore makes a store with loops per-loop shards (indices 0..loops-1) besides Shared. Writers to
// shard i must be one goroutine at a time (event loop i). Values are summed over shards on read.
func NewStore(loops int) *Store {
	loops = max(loops, 0)
	s := &Store{loops: loops, seed: maphash.MakeSeed(), bounds: makeUnitBounds()}
	s.syms.seed = s.seed
	s.slabs[kindCounter] = newSlab(1, scalarsPerChunk, loops+1, 0, nil)
	s.slabs[kindGauge] = newSlab(1, scalarsPerChunk, loops+1, 1, nil)
	s.slabs[kindHistogram] = newSlab(histWidth, histsPerChunk, loops+1, 0, s.bounds)
	return s
}

// Loops returns the number of per-loop shards.
func (s *Store) Loops() int { return s.loops }

// Scope returns a root scope whose stats' names start with segs (which may be empty).
func (s *Store) Scope(segs ...Segment) *Scope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newScope(nil, segs)
}

// hashKey is the table hash of a stat of kind k named enc.
func (s *Store) hashKey(k kind, enc []byte) uint64 {
	return maphash.Bytes(s.seed, enc) ^ uint64(k+1)*0x9e3779b97f4a7c15
}

func (s *Store) hashStat(st *stat) uint64 {
	return maphash.String(s.seed, st.name) ^ uint64(st.kind()+1)*0x9e3779b97f4a7c15
}

// find returns the live stat of kind k named enc. Requires the read lock.
func (s *Store) find(k kind, enc []byte) *stat {
	st, _ := s.table.find(s.hashKey(k, enc), func(st *stat) bool {
		return st.name == string(enc) && st.kind() == k
	})
	return st
}

// create makes a stat named enc, whose symbol references the caller has counted, with one holder.
// Requires the write lock.
func (s *Store) create(k kind, u Unit, enc string) *stat {
	st := newStat(k, u, enc)
	st.word.Add(refOne)
	c, idx := s.slabs[k].alloc()
	st.chunk.Store(c)
	st.idx = idx
	s.table.insert(s.hashStat(st), st, s.hashStat)
	return st
}

// drop removes one holder of st and frees it when none is left. Requires the write lock.
func (s *Store) drop(st *stat) {
	st.word.Add(^uint32(refOne - 1))
	if st.refs() > 0 {
		return
	}
	s.table.remove(s.hashStat(st), func(e *stat) bool { return e == st }, s.hashStat)
	s.unrefEncoded(st.name)
	sl := s.slabs[st.kind()]
	c := st.chunk.Swap(sl.sink)
	sl.release(c, st.idx)
	st.name = ""
}

// dead returns a stat that is in no table: what a released scope hands out.
func (s *Store) dead(k kind, u Unit) *stat {
	st := newStat(k, u, "")
	st.chunk.Store(s.slabs[k].sink)
	return st
}

// trim gives back memory after a release. Requires the write lock.
func (s *Store) trim() {
	s.syms.trim()
	for _, sl := range s.slabs {
		sl.trim()
	}
}
