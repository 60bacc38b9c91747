package stats

import "sync/atomic"

const (
	// scalarsPerChunk is the number of counter or gauge slots per chunk.
	scalarsPerChunk = 4096
	// histsPerChunk is the number of histogram slots per chunk.
	histsPerChunk = 128
	// rowPad separates the rows of a chunk by a cache line so that loops never share one.
	rowPad = 8
)

// chunk holds the values of a fixed number of slots for every shard. Row 0 belongs to Shared, row
// i+1 to loop i; gauges have one more row for the value given to Gauge.Set. Inside a row, a slot is
// width consecutive words. A chunk never moves once published and is read with atomic loads while
// its writers add with atomic adds.
type chunk struct {
	v      []uint64
	stride int // words per row
	width  int // words per slot
	rows   int // rows writers add to: Shared and one per loop
	total  int // rows including the Set row
	base   uint32
	live   int  // slots in use; guarded by Store.mu
	sink   bool // values of released stats go here and are never read
	bounds *unitBounds
}

// at returns the index of the first word of slot idx in the row of shard. A shard out of range
// writes to the Shared row, which is safe from any goroutine.
func (c *chunk) at(shard int, idx uint32) int {
	r := shard + 1
	if uint(r) >= uint(c.rows) {
		r = 0
	}
	return r*c.stride + int(idx)*c.width
}

// sum returns word w of slot idx added over every row, Set row included.
func (c *chunk) sum(idx uint32, w int) uint64 {
	var t uint64
	off := int(idx)*c.width + w
	for r := range c.total {
		t += atomic.LoadUint64(&c.v[r*c.stride+off])
	}
	return t
}

// zero clears every word of slot idx in every row.
func (c *chunk) zero(idx uint32) {
	off := int(idx) * c.width
	for r := range c.total {
		for w := range c.width {
			atomic.StoreUint64(&c.v[r*c.stride+off+w], 0)
		}
	}
}

// slab hands out slots in chunks of perChunk slots. Freed slots are zeroed and reused; trailing
// chunks with no live slot are dropped. Guarded by Store.mu.
type slab struct {
	width, perChunk int
	rows, total     int
	bounds          *unitBounds
	chunks          []*chunk
	free            []uint32 // free slots below next
	next            uint32   // first slot never handed out
	sink            *chunk
}

func newSlab(width, perChunk, rows, setRows int, bounds *unitBounds) *slab {
	s := &slab{width: width, perChunk: perChunk, rows: rows, total: rows + setRows, bounds: bounds}
	s.sink = s.newChunk(0)
	s.sink.sink = true
	return s
}

func (s *slab) newChunk(base uint32) *chunk {
	stride := s.perChunk*s.width + rowPad
	return &chunk{
		v:      make([]uint64, s.total*stride),
		stride: stride, width: s.width, rows: s.rows, total: s.total,
		base: base, bounds: s.bounds,
	}
}

// alloc returns a zeroed slot.
func (s *slab) alloc() (*chunk, uint32) {
	var slot uint32
	if n := len(s.free); n > 0 {
		slot, s.free = s.free[n-1], s.free[:n-1]
	} else {
		slot = s.next
		s.next++
	}
	ci := int(slot) / s.perChunk
	if ci == len(s.chunks) {
		s.chunks = append(s.chunks, s.newChunk(uint32(ci*s.perChunk)))
	}
	c := s.chunks[ci]
	idx := slot - c.base
	c.zero(idx) // a writer that raced with the slot's release may have left something
	c.live++
	return c, idx
}

// release zeroes slot idx of c and makes it reusable.
func (s *slab) release(c *chunk, idx uint32) {
	c.zero(idx)
	c.live--
	s.free = append(s.free, c.base+idx)
}

// trim drops trailing chunks without live slots and forgets their free slots.
func (s *slab) trim() {
	n := len(s.chunks)
	for n > 0 && s.chunks[n-1].live == 0 {
		s.chunks[n-1] = nil
		n--
	}
	if n == len(s.chunks) {
		return
	}
	s.chunks = shrink(s.chunks[:n])
	s.next = min(s.next, uint32(n*s.perChunk))
	kept := s.free[:0]
	for _, slot := range s.free {
		if slot < s.next {
			kept = append(kept, slot)
		}
	}
	s.free = shrink(kept)
}
