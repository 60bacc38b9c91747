package loadgen

import "testing"

func TestSlots(t *testing.T) {
	s := newSlots(2)
	a, b := s.take(10), s.take(20)
	if !s.full() || a == b || a == 0 || b == 0 {
		t.Fatalf("ids %d, %d, full %v", a, b, s.full())
	}
	if got := s.since(15); got != 1 {
		t.Errorf("since(15) = %d, want 1", got)
	}
	if o, ok := s.release(b); !ok || o != 20 {
		t.Errorf("release(b) = %d, %v; want 20, true", o, ok)
	}
	if _, ok := s.release(b); ok {
		t.Error("a released ID was released again")
	}
	c := s.take(30) // reuses b's slot with a new sequence number
	if c == b || c&(maxWindow-1) != b&(maxWindow-1) {
		t.Errorf("reused slot: id %d after %d", c, b)
	}
	for _, id := range []uint64{0, b, a + 1<<slotBits, 5} {
		if _, ok := s.release(id); ok {
			t.Errorf("release(%d) succeeded", id)
		}
	}
	if o, ok := s.release(a); !ok || o != 10 || s.full() {
		t.Errorf("release(a) = %d, %v, full %v", o, ok, s.full())
	}
}
