package stats

import (
	"hash/maphash"
	"slices"
	"strings"
)

// symbols interns segment strings: each distinct string is stored once and named by a small id.
// Ids are reference-counted; an id whose count drops to zero is freed and later reused. All methods
// require the Store's lock (read lock for lookup, write lock for the rest).
type symbols struct {
	seed  maphash.Seed
	strs  []string // by id; "" when free
	refs  []uint32 // by id; 0 when free
	free  []uint32 // free ids below len(strs)
	index probeTable[uint32]
}

func (t *symbols) hash(s string) uint64 { return maphash.String(t.seed, s) }

// hashEntry is the probeTable hash of an index entry (id + 1).
func (t *symbols) hashEntry(e uint32) uint64 { return t.hash(t.strs[e-1]) }

// lookup returns the id of s without allocating or counting a reference.
func (t *symbols) lookup(s string) (uint32, bool) {
	e, ok := t.index.find(t.hash(s), func(e uint32) bool { return t.strs[e-1] == s })
	return e - 1, ok
}

// intern returns the id of s and counts one reference to it. A new string is copied, so the
// caller's (possibly larger) backing string is not retained.
func (t *symbols) intern(s string) uint32 {
	if id, ok := t.lookup(s); ok {
		t.refs[id]++
		return id
	}
	id := t.newID()
	t.strs[id] = strings.Clone(s)
	t.refs[id] = 1
	t.index.insert(t.hash(s), id+1, t.hashEntry)
	return id
}

func (t *symbols) newID() uint32 {
	if n := len(t.free); n > 0 {
		id := t.free[n-1]
		t.free = t.free[:n-1]
		return id
	}
	t.strs = append(t.strs, "")
	t.refs = append(t.refs, 0)
	return uint32(len(t.strs) - 1)
}

// ref counts one more reference to a live id.
func (t *symbols) ref(id uint32) { t.refs[id]++ }

// unref drops one reference and frees the symbol when none is left.
func (t *symbols) unref(id uint32) {
	t.refs[id]--
	if t.refs[id] > 0 {
		return
	}
	t.index.remove(t.hash(t.strs[id]), func(e uint32) bool { return e == id+1 }, t.hashEntry)
	t.strs[id] = ""
	t.free = append(t.free, id)
}

// str returns the string of a live id.
func (t *symbols) str(id uint32) string { return t.strs[id] }

// live returns the number of symbols in use.
func (t *symbols) live() int { return len(t.strs) - len(t.free) }

// trim gives memory back after many symbols were freed: free ids at the end are dropped and the
// id slices shrink when mostly unused.
func (t *symbols) trim() {
	n := len(t.strs)
	for n > 0 && t.refs[n-1] == 0 {
		n--
	}
	if n == len(t.strs) {
		return
	}
	t.strs, t.refs = shrink(t.strs[:n]), shrink(t.refs[:n])
	t.free = shrink(slices.DeleteFunc(t.free, func(id uint32) bool { return int(id) >= n }))
}

// shrink returns s with a capacity close to its length when most of the capacity is unused.
func shrink[E any](s []E) []E {
	if cap(s) > 2*len(s)+64 {
		return slices.Clip(slices.Clone(s))
	}
	return s
}
