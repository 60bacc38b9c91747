package dubbo

import "testing"

// TestSlotTable checks the provider connection's table of calls in flight:
// IDs are unique, a taken slot is reused, a stale ID matches nothing.
func TestSlotTable(t *testing.T) {
	uc := &upconn{}
	ids := map[uint64]*call{}
	for range 5 {
		c := &call{twoWay: true}
		uc.seq++
		slot, _ := uc.put(c)
		c.upID = (uc.seq<<slotBits | uint64(slot)) &^ hbBit
		if _, dup := ids[c.upID]; dup {
			t.Fatalf("duplicate ID %x", c.upID)
		}
		ids[c.upID] = c
	}
	if uc.inflight != 5 || len(uc.slots) != 5 {
		t.Fatalf("inflight %d, slots %d, want 5, 5", uc.inflight, len(uc.slots))
	}
	var first uint64
	for id, c := range ids {
		first = id
		if got := uc.take(id); got != c {
			t.Fatalf("take(%x) = %p, want %p", id, got, c)
		}
		break
	}
	if uc.take(first) != nil {
		t.Fatal("an ID matched twice")
	}
	// The freed slot is reused with a new ID; the old ID still matches nothing.
	c := &call{twoWay: true}
	uc.seq++
	slot, _ := uc.put(c)
	c.upID = (uc.seq<<slotBits | uint64(slot)) &^ hbBit
	if uint64(slot) != first&slotMask {
		t.Errorf("slot %d not reused (freed %d)", slot, first&slotMask)
	}
	if uc.take(first) != nil {
		t.Error("a stale ID matched the slot's new call")
	}
	if uc.take(hbBit|1) != nil || uc.take(1<<40|999) != nil {
		t.Error("a heartbeat or out-of-range ID matched")
	}
	if len(uc.slots) != 5 || uc.inflight != 5 {
		t.Errorf("slots %d, inflight %d, want 5, 5", len(uc.slots), uc.inflight)
	}
}

// TestRecycleDropsLargeBuffers: a pooled call keeps small frame copies for
// the next request and lets go of large ones.
func TestRecycleDropsLargeBuffers(t *testing.T) {
	tests := []struct {
		name     string
		size     int
		wantKept bool
	}{
		{"small", 1 << 10, true},
		{"large", maxKeptBuf + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := &loopState{}
			c := &call{buf: make([]byte, tt.size), rbuf: make([]byte, tt.size)}
			ls.recycle(c)
			if len(ls.free) != 1 {
				t.Fatalf("free list %d, want 1", len(ls.free))
			}
			if kept := c.buf != nil && c.rbuf != nil; kept != tt.wantKept {
				t.Errorf("buffers kept: %v, want %v", kept, tt.wantKept)
			}
		})
	}
}
