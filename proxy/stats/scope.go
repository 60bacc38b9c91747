package stats

// Scope names a group of stats by a common prefix and owns them: Release frees every stat created
// through the scope or its children. All methods are safe from any goroutine; they take the store's
// lock, so create stats at setup time and keep the pointers.
type Scope struct {
	store             *Store
	parent            *Scope
	prefix            string // encoded; holds one reference to each of its symbols
	prev, next, child *Scope // siblings and first child; guarded by store.mu
	owned             *stat  // stats this scope created, linked through stat.next
	extra             map[*stat]struct{}
	released          bool
}

// newScope makes a scope named parent's prefix followed by segs. Requires the write lock.
func (s *Store) newScope(parent *Scope, segs []Segment) *Scope {
	if parent != nil && parent.released {
		return &Scope{store: s, released: true}
	}
	var buf [64]byte
	enc := buf[:0]
	if parent != nil {
		s.refEncoded(parent.prefix)
		enc = append(enc, parent.prefix...)
	}
	sc := &Scope{store: s, parent: parent, prefix: string(s.internSegs(enc, segs))}
	if parent != nil {
		sc.next = parent.child
		if sc.next != nil {
			sc.next.prev = sc
		}
		parent.child = sc
	}
	return sc
}

// Scope returns a child scope whose stats' names are this scope's prefix followed by segs. The
// child of a released scope is released.
func (sc *Scope) Scope(segs ...Segment) *Scope {
	sc.store.mu.Lock()
	defer sc.store.mu.Unlock()
	return sc.store.newScope(sc, segs)
}

// Counter returns the counter named by the scope's prefix and name, split on '.' into plain
// segments. The same full name always gives the same *Counter while it is held by some scope.
func (sc *Scope) Counter(name string) *Counter {
	return (*Counter)(sc.stat(kindCounter, name, Unspecified))
}

// Gauge returns the gauge named by the scope's prefix and name, like Counter.
func (sc *Scope) Gauge(name string) *Gauge {
	return (*Gauge)(sc.stat(kindGauge, name, Unspecified))
}

// Histogram returns the histogram named by the scope's prefix and name, like Counter. An existing
// histogram keeps the unit it was created with.
func (sc *Scope) Histogram(name string, unit Unit) *Histogram {
	if unit < Unspecified || unit > Bytes {
		unit = Unspecified
	}
	return (*Histogram)(sc.stat(kindHistogram, name, unit))
}

// stat finds or creates a stat and makes sc one of its holders. The common case (an existing stat
// already held by sc) takes only the read lock and does not allocate.
func (sc *Scope) stat(k kind, name string, u Unit) *stat {
	s := sc.store
	var buf [64]byte
	s.mu.RLock()
	st := sc.findHeld(k, buf[:0], name)
	s.mu.RUnlock()
	if st != nil {
		return st
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sc.released {
		return s.dead(k, u)
	}
	enc, ok := s.lookupPlain(append(buf[:0], sc.prefix...), name)
	if ok {
		if st := s.find(k, enc); st != nil {
			sc.hold(st)
			return st
		}
	}
	s.refEncoded(sc.prefix)
	enc = s.internPlain(append(buf[:0], sc.prefix...), name)
	st = s.create(k, u, string(enc))
	sc.own(st)
	return st
}

// findHeld returns the stat of kind k named by prefix and name if sc already holds it. Requires the
// read lock.
func (sc *Scope) findHeld(k kind, buf []byte, name string) *stat {
	if sc.released {
		return nil
	}
	enc, ok := sc.store.lookupPlain(append(buf, sc.prefix...), name)
	if !ok {
		return nil
	}
	st := sc.store.find(k, enc)
	if st == nil || !sc.holds(st) {
		return nil
	}
	return st
}

// holds reports whether sc is a holder of st. Requires the read lock.
func (sc *Scope) holds(st *stat) bool {
	if st.owner == sc {
		return true
	}
	_, ok := sc.extra[st]
	return ok
}

// hold makes sc a holder of the existing st. Requires the write lock.
func (sc *Scope) hold(st *stat) {
	if sc.holds(st) {
		return
	}
	st.word.Add(refOne)
	if st.owner == nil {
		sc.own(st)
		return
	}
	if sc.extra == nil {
		sc.extra = make(map[*stat]struct{})
	}
	sc.extra[st] = struct{}{}
}

// own links st, already counted as held by sc, into sc's list. Requires the write lock.
func (sc *Scope) own(st *stat) {
	st.owner = sc
	st.next = sc.owned
	sc.owned = st
}

// Release removes every stat created through this scope or its children (a stat also obtained
// through another live scope stays until that scope is released too) and frees their names and
// slots. Stats and scopes of a released scope stay safe to use: updates are discarded, values read
// as zero, new stats are detached. Releasing twice is a no-op.
func (sc *Scope) Release() {
	s := sc.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if sc.released {
		return
	}
	sc.unlink()
	s.releaseTree(sc)
	s.trim()
}

// unlink removes sc from its parent's children. Requires the write lock.
func (sc *Scope) unlink() {
	if sc.prev != nil {
		sc.prev.next = sc.next
	} else if sc.parent != nil {
		sc.parent.child = sc.next
	}
	if sc.next != nil {
		sc.next.prev = sc.prev
	}
}

// releaseTree releases sc and its descendants. Requires the write lock.
func (s *Store) releaseTree(sc *Scope) {
	for c := sc.child; c != nil; {
		next := c.next
		s.releaseTree(c)
		c = next
	}
	for st := sc.owned; st != nil; {
		next := st.next
		st.owner, st.next = nil, nil
		s.drop(st)
		st = next
	}
	for st := range sc.extra {
		s.drop(st)
	}
	s.unrefEncoded(sc.prefix)
	*sc = Scope{store: s, released: true}
}
