package stats

import (
	"bytes"
	"regexp"
	"slices"
)

// nameMode selects how collect renders names.
type nameMode int

const (
	dottedNames nameMode = iota // Envoy's dotted names, for /stats and JSON
	promNames                   // Prometheus family and labels
)

// span is a range of snapshot.arena.
type span struct{ off, end int32 }

// record is one stat as read by collect.
type record struct {
	val    uint64 // counter value, or gauge value as int64 bits
	name   span   // dotted name, or Prometheus family name
	labels span   // Prometheus labels without braces
	fam    int32  // Prometheus: index of the family in snapshot.fams, then its sort rank
	hist   int32  // histograms: index of histWidth words in snapshot.hvals
	kind   kind
	unit   uint8 // histograms: Unit
}

// snapshot is a consistent copy of names and values taken under the read lock, so rendering and
// writing to a slow client happen without holding it.
type snapshot struct {
	recs     []record
	arena    []byte
	hvals    []uint64
	famIndex map[string]int32 // Prometheus family name -> index in fams
	fams     []span           // each family name once
}

// collect reads every stat that passes usedOnly and filter (matched against the dotted name).
func (s *Store) collect(mode nameMode, filter *regexp.Regexp, usedOnly bool) *snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := &snapshot{
		recs:  make([]record, 0, s.table.n),
		arena: make([]byte, 0, s.arenaHint.Load()),
	}
	defer func() { s.arenaHint.Store(int64(len(snap.arena))) }()
	for _, st := range s.table.slots {
		if st != nil {
			snap.add(s, st, mode, filter, usedOnly)
		}
	}
	return snap
}

// add appends st to the snapshot unless it is filtered out. Requires the read lock.
func (snap *snapshot) add(s *Store, st *stat, mode nameMode, filter *regexp.Regexp, usedOnly bool) {
	r := record{kind: st.kind(), unit: uint8(st.unit())}
	hvals, arena := len(snap.hvals), len(snap.arena)
	if !snap.readValue(st, &r) && usedOnly {
		snap.hvals = snap.hvals[:hvals]
		return
	}
	if mode == dottedNames {
		snap.arena = s.appendDotted(snap.arena, st.name)
		r.name = spanOf(arena, len(snap.arena))
		if filter != nil && !filter.Match(snap.arena[arena:]) {
			snap.hvals, snap.arena = snap.hvals[:hvals], snap.arena[:arena]
			return
		}
	} else {
		snap.arena = s.appendPromFamily(snap.arena, st.name)
		r.fam, r.name = snap.family(arena)
		labels := len(snap.arena)
		snap.arena = s.appendPromLabels(snap.arena, st.name)
		r.labels = spanOf(labels, len(snap.arena))
	}
	snap.recs = append(snap.recs, r)
}

// family returns the index and span of the family name just appended to the arena at off, keeping
// each family name in the arena once.
func (snap *snapshot) family(off int) (int32, span) {
	name := snap.arena[off:]
	if i, ok := snap.famIndex[string(name)]; ok {
		snap.arena = snap.arena[:off]
		return i, snap.fams[i]
	}
	if snap.famIndex == nil {
		snap.famIndex = make(map[string]int32)
	}
	sp := spanOf(off, len(snap.arena))
	i := int32(len(snap.fams))
	snap.famIndex[string(name)] = i
	snap.fams = append(snap.fams, sp)
	return i, sp
}

// readValue copies st's value into r and reports whether st was ever written.
func (snap *snapshot) readValue(st *stat, r *record) bool {
	ch := st.chunk.Load()
	switch r.kind {
	case kindCounter:
		r.val = ch.sum(st.idx, 0)
		return r.val != 0 || st.usedFlag()
	case kindGauge:
		r.val = ch.sum(st.idx, 0)
		return st.usedFlag()
	}
	r.hist = int32(len(snap.hvals))
	var count uint64
	for w := range histWidth {
		v := ch.sum(st.idx, w)
		snap.hvals = append(snap.hvals, v)
		if w < sumWord {
			count += v
		}
	}
	return count > 0
}

func spanOf(off, end int) span { return span{int32(off), int32(end)} }

func (snap *snapshot) text(sp span) []byte { return snap.arena[sp.off:sp.end] }

// histogram returns the bucket counts (the last is +Inf) and the internal sum of r.
func (snap *snapshot) histogram(r *record) (buckets []uint64, sum uint64) {
	h := snap.hvals[r.hist : r.hist+histWidth]
	return h[:sumWord], h[sumWord]
}

// sortDotted orders counters and gauges by name, then histograms by name, as Envoy's /stats does.
func (snap *snapshot) sortDotted() {
	slices.SortFunc(snap.recs, func(a, b record) int {
		if ah, bh := a.kind == kindHistogram, b.kind == kindHistogram; ah != bh {
			if ah {
				return 1
			}
			return -1
		}
		return bytes.Compare(snap.text(a.name), snap.text(b.name))
	})
}

// sortProm orders by family, then kind, then labels, so every family is contiguous.
func (snap *snapshot) sortProm() {
	order := make([]int, len(snap.fams))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return bytes.Compare(snap.text(snap.fams[a]), snap.text(snap.fams[b]))
	})
	rank := make([]int32, len(order))
	for r, f := range order {
		rank[f] = int32(r)
	}
	for i := range snap.recs {
		snap.recs[i].fam = rank[snap.recs[i].fam]
	}
	slices.SortFunc(snap.recs, func(a, b record) int {
		if a.fam != b.fam {
			return int(a.fam - b.fam)
		}
		if a.kind != b.kind {
			return int(a.kind) - int(b.kind)
		}
		return bytes.Compare(snap.text(a.labels), snap.text(b.labels))
	})
}
