package upstream

import "iter"

// HostMap maps hosts to per-loop state, such as a loop's connection pools, and gives back the
// space of the entries it loses. A Go map keeps its largest size after deletes: a loop that once
// had pools for 100,000 hosts would keep a table that size after forgetting them. Once a
// HostMap holds under a quarter of the most it held (and that was at least 64), Delete replaces
// the map by a right-sized copy. The zero value is ready. Not safe for concurrent use.
type HostMap[V any] struct {
	m    map[*Host]V
	peak int // the most entries m held since it was made
}

// shrinkFloor is the smallest peak worth copying the map for.
const shrinkFloor = 64

// Get returns the value of h.
func (hm *HostMap[V]) Get(h *Host) (V, bool) {
	v, ok := hm.m[h]
	return v, ok
}

// Set sets the value of h.
func (hm *HostMap[V]) Set(h *Host, v V) {
	if hm.m == nil {
		hm.m = map[*Host]V{}
	}
	hm.m[h] = v
	hm.peak = max(hm.peak, len(hm.m))
}

// Delete removes h.
func (hm *HostMap[V]) Delete(h *Host) {
	delete(hm.m, h)
	if n := len(hm.m); hm.peak >= shrinkFloor && n <= hm.peak/4 {
		m := make(map[*Host]V, n) // maps.Clone would keep the size
		for k, v := range hm.m {
			m[k] = v
		}
		hm.m, hm.peak = m, n
	}
}

// Len is the number of entries.
func (hm *HostMap[V]) Len() int { return len(hm.m) }

// All iterates over the entries; the loop body may Delete any of them.
func (hm *HostMap[V]) All() iter.Seq2[*Host, V] {
	m := hm.m
	return func(yield func(*Host, V) bool) {
		for h, v := range m {
			if !yield(h, v) {
				return
			}
		}
	}
}
