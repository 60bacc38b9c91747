package loadgen

// slotBits is how many low bits of a Dubbo request ID name its slot.
const slotBits = 16

// maxWindow bounds Config.Window: one slot per outstanding request.
const maxWindow = 1 << slotBits

// slots tracks the requests outstanding on one Dubbo connection. A
// request's ID is seq<<slotBits | slot, with seq counting the
// connection's requests from 1, so a response finds its request without
// a map, and a stale or foreign ID fails the full comparison. Nothing
// allocates after newSlots.
type slots struct {
	id     []uint64 // ID of the request in each slot; 0 when the slot is free
	origin []int64  // latency origin of the request in each slot
	free   []uint32 // free slot indices, used as a stack
	seq    uint64
}

func newSlots(n int) slots {
	s := slots{id: make([]uint64, n), origin: make([]int64, n), free: make([]uint32, n)}
	for i := range s.free {
		s.free[i] = uint32(n - 1 - i) // slot 0 is taken first
	}
	return s
}

// full reports whether every slot holds an outstanding request.
func (s *slots) full() bool { return len(s.free) == 0 }

// take records a new request with latency origin origin and returns its
// ID. The caller checks full first.
func (s *slots) take(origin int64) uint64 {
	slot := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	s.seq++
	id := s.seq<<slotBits | uint64(slot)
	s.id[slot], s.origin[slot] = id, origin
	return id
}

// release ends the request with ID id and returns its origin; ok is
// false when no request with that ID is outstanding.
func (s *slots) release(id uint64) (origin int64, ok bool) {
	slot := id & (maxWindow - 1)
	if slot >= uint64(len(s.id)) || id == 0 || s.id[slot] != id {
		return 0, false
	}
	s.id[slot] = 0
	s.free = append(s.free, uint32(slot))
	return s.origin[slot], true
}

// since counts the outstanding requests whose origin is at or after t.
func (s *slots) since(t int64) int {
	n := 0
	for i, id := range s.id {
		if id != 0 && s.origin[i] >= t {
			n++
		}
	}
	return n
}
