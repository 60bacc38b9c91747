package stats

import (
	"testing"
	"time"
)

func TestCounterShards(t *testing.T) {
	s := NewStore(3)
	c := s.Scope(S("x")).Counter("c")
	c.Inc(0)
	c.Inc(1)
	c.Add(2, 10)
	c.Add(Shared, 100)
	c.Inc(7)  // out of range: Shared
	c.Inc(-5) // out of range: Shared
	if got := c.Value(); got != 114 {
		t.Fatalf("Value = %d, want 114", got)
	}
	if v, ok := s.CounterValue("x.c"); !ok || v != 114 {
		t.Fatalf("CounterValue = %d, %v", v, ok)
	}
	if _, ok := s.CounterValue("x.d"); ok {
		t.Fatal("CounterValue found a counter that does not exist")
	}
}

func TestGauge(t *testing.T) {
	tests := []struct {
		name string
		ops  func(g *Gauge)
		want int64
	}{
		{"inc dec", func(g *Gauge) { g.Inc(0); g.Inc(1); g.Dec(0) }, 1},
		{"negative", func(g *Gauge) { g.Dec(1); g.Add(Shared, -4) }, -5},
		{"set", func(g *Gauge) { g.Set(10); g.Set(42) }, 42},
		{"set plus deltas", func(g *Gauge) { g.Inc(0); g.Set(10); g.Add(1, 5) }, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(2)
			g := s.Scope(S("server")).Gauge("live")
			tt.ops(g)
			if g.Value() != tt.want {
				t.Errorf("Value = %d, want %d", g.Value(), tt.want)
			}
			if v, ok := s.GaugeValue("server.live"); !ok || v != tt.want {
				t.Errorf("GaugeValue = %d, %v", v, ok)
			}
		})
	}
}

func TestHistogramBuckets(t *testing.T) {
	tests := []struct {
		name   string
		unit   Unit
		record func(h *Histogram)
		bucket int // index of the only non-empty bucket
		sum    float64
	}{
		{"ms fraction", Milliseconds, func(h *Histogram) { h.RecordDuration(0, 300*time.Microsecond) }, 0, 0.3},
		{"ms exact bound", Milliseconds, func(h *Histogram) { h.RecordDuration(0, time.Millisecond) }, 1, 1},
		{"ms just above", Milliseconds, func(h *Histogram) { h.RecordDuration(0, 1001*time.Microsecond) }, 2, 1.001},
		{"ms record", Milliseconds, func(h *Histogram) { h.Record(1, 30) }, 5, 30},
		{"us duration", Microseconds, func(h *Histogram) { h.RecordDuration(0, 7*time.Microsecond) }, 3, 7},
		{"us fraction", Microseconds, func(h *Histogram) { h.RecordDuration(0, 400*time.Nanosecond) }, 0, 0.4},
		{"bytes zero", Bytes, func(h *Histogram) { h.Record(Shared, 0) }, 0, 0},
		{"bytes", Bytes, func(h *Histogram) { h.Record(0, 4096) }, 11, 4096},
		{"overflow", Bytes, func(h *Histogram) { h.Record(0, 1<<40) }, numBounds, 1 << 40},
		{"unspecified duration in ms", Unspecified, func(h *Histogram) { h.RecordDuration(0, 2500*time.Microsecond) }, 2, 2},
		{"negative duration", Milliseconds, func(h *Histogram) { h.RecordDuration(0, -time.Second) }, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(2)
			h := s.Scope().Histogram("h", tt.unit)
			tt.record(h)
			ch := h.chunk.Load()
			for b := range numBounds + 1 {
				want := uint64(0)
				if b == tt.bucket {
					want = 1
				}
				if got := ch.sum(h.idx, b); got != want {
					t.Errorf("bucket %d = %d, want %d", b, got, want)
				}
			}
			if h.Count() != 1 || h.Sum() != tt.sum {
				t.Errorf("Count, Sum = %d, %v; want 1, %v", h.Count(), h.Sum(), tt.sum)
			}
		})
	}
}

func TestHistogramKeepsUnit(t *testing.T) {
	s := NewStore(1)
	a := s.Scope().Histogram("h", Milliseconds)
	b := s.Scope().Histogram("h", Bytes)
	if a != b || b.Unit() != Milliseconds {
		t.Fatalf("second Histogram call: same=%v unit=%v", a == b, b.Unit())
	}
	if s.Scope().Histogram("bad", Unit(9)).Unit() != Unspecified {
		t.Fatal("an unknown unit must become Unspecified")
	}
}

func TestQuantile(t *testing.T) {
	var buckets [numBounds + 1]uint64
	buckets[2] = 4 // four values in (1, 5]
	tests := []struct {
		p, want float64
	}{{0, 1}, {25, 2}, {50, 3}, {100, 5}}
	for _, tt := range tests {
		if got := quantile(buckets[:], tt.p); got != tt.want {
			t.Errorf("P%v = %v, want %v", tt.p, got, tt.want)
		}
	}
	buckets = [numBounds + 1]uint64{}
	buckets[numBounds] = 1
	if got := quantile(buckets[:], 50); got != 3600000 {
		t.Errorf("+Inf bucket P50 = %v, want the largest bound", got)
	}
}
