package stats

import "bytes"

// CounterValue returns the value of the counter with the full dotted name, e.g.
// "cluster.x.upstream_cx_total". For tests and admin: a name with tag values containing dots is
// found by a scan of all stats.
func (s *Store) CounterValue(name string) (uint64, bool) {
	st := s.lookupDotted(kindCounter, name)
	if st == nil {
		return 0, false
	}
	return (*Counter)(st).Value(), true
}

// GaugeValue returns the value of the gauge with the full dotted name, like CounterValue.
func (s *Store) GaugeValue(name string) (int64, bool) {
	st := s.lookupDotted(kindGauge, name)
	if st == nil {
		return 0, false
	}
	return (*Gauge)(st).Value(), true
}

// HistogramByName returns the histogram with the full dotted name, like CounterValue.
func (s *Store) HistogramByName(name string) (*Histogram, bool) {
	st := s.lookupDotted(kindHistogram, name)
	return (*Histogram)(st), st != nil
}

// lookupDotted finds a live stat by dotted name: first as plain segments, then by scanning.
func (s *Store) lookupDotted(k kind, name string) *stat {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var buf [64]byte
	if enc, ok := s.lookupPlain(buf[:0], name); ok {
		if st := s.find(k, enc); st != nil {
			return st
		}
	}
	var dotted []byte
	for _, st := range s.table.slots {
		if st == nil || st.kind() != k {
			continue
		}
		dotted = s.appendDotted(dotted[:0], st.name)
		if bytes.Equal(dotted, []byte(name)) {
			return st
		}
	}
	return nil
}
