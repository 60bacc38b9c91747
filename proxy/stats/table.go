package stats

// minTableSize is the smallest number of slots a non-empty probeTable has.
const minTableSize = 16

// probeTable is an open-addressing hash set with linear probing. Each slot has a one-byte tag from
// the hash (0 when empty), so a probe looks at an entry only when its tag matches. Deletion shifts
// later entries back (no tombstones) and the table shrinks when it becomes sparse, so removing most
// entries returns their memory.
//
// The table stores no full hashes: callers pass the hash of the key they look for and a hashOf
// function that recomputes an entry's hash when entries move. Not safe for concurrent mutation.
type probeTable[E any] struct {
	slots []E
	tags  []uint8
	n     int
}

// tagOf returns the non-zero tag of hash h.
func tagOf(h uint64) uint8 { return uint8(h>>56) | 1 }

// find returns the entry with hash h for which match is true.
func (t *probeTable[E]) find(h uint64, match func(E) bool) (E, bool) {
	i, ok := t.index(h, match)
	if !ok {
		var zero E
		return zero, false
	}
	return t.slots[i], true
}

// index returns the slot of the entry with hash h for which match is true.
func (t *probeTable[E]) index(h uint64, match func(E) bool) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask, tag := uint64(len(t.slots)-1), tagOf(h)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t.tags[i] {
		case 0:
			return 0, false
		case tag:
			if match(t.slots[i]) {
				return i, true
			}
		}
	}
}

// insert adds e, whose hash is h. The caller ensures no equal entry is present.
func (t *probeTable[E]) insert(h uint64, e E, hashOf func(E) uint64) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.resize(max(minTableSize, 2*len(t.slots)), hashOf)
	}
	t.place(h, e)
	t.n++
}

// place puts e into the first free slot of its probe sequence.
func (t *probeTable[E]) place(h uint64, e E) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.tags[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i], t.tags[i] = e, tagOf(h)
}

// remove deletes the entry with hash h for which match is true and reports whether there was one.
func (t *probeTable[E]) remove(h uint64, match func(E) bool, hashOf func(E) uint64) bool {
	i, ok := t.index(h, match)
	if !ok {
		return false
	}
	t.shiftBack(i, hashOf)
	t.n--
	if len(t.slots) > minTableSize && t.n*8 < len(t.slots) {
		t.resize(max(minTableSize, len(t.slots)/2), hashOf)
	}
	return true
}

// shiftBack empties slot i and moves later entries of the same cluster back so that every entry
// stays reachable from its home slot.
func (t *probeTable[E]) shiftBack(i uint64, hashOf func(E) uint64) {
	mask := uint64(len(t.slots) - 1)
	for j := (i + 1) & mask; t.tags[j] != 0; j = (j + 1) & mask {
		home := hashOf(t.slots[j]) & mask
		if !cyclicIn(home, i, j) {
			t.slots[i], t.tags[i] = t.slots[j], t.tags[j]
			i = j
		}
	}
	var zero E
	t.slots[i], t.tags[i] = zero, 0
}

// cyclicIn reports whether k lies in the cyclic interval (i, j].
func cyclicIn(k, i, j uint64) bool {
	if i <= j {
		return i < k && k <= j
	}
	return k > i || k <= j
}

// resize rehashes every entry into a table of size slots (a power of two).
func (t *probeTable[E]) resize(size int, hashOf func(E) uint64) {
	slots, tags := t.slots, t.tags
	t.slots, t.tags = make([]E, size), make([]uint8, size)
	for i, tag := range tags {
		if tag != 0 {
			t.place(hashOf(slots[i]), slots[i])
		}
	}
}
