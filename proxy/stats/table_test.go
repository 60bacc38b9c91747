package stats

import (
	"math/rand/v2"
	"testing"
)

// TestProbeTableMatchesMap drives the table with random inserts and removes under hash functions
// that collide a lot, and checks it against a map after every step.
func TestProbeTableMatchesMap(t *testing.T) {
	hashes := map[string]func(uint32) uint64{
		"identity":  func(e uint32) uint64 { return uint64(e) },
		"collide7":  func(e uint32) uint64 { return uint64(e % 7) },
		"high bits": func(e uint32) uint64 { return uint64(e) * 0x9e3779b97f4a7c15 },
		"wrap":      func(e uint32) uint64 { return ^uint64(0) - uint64(e%3) },
	}
	for name, hash := range hashes {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			var tab probeTable[uint32]
			model := map[uint32]bool{}
			for step := range 20000 {
				e := uint32(rng.IntN(300) + 1)
				eq := func(x uint32) bool { return x == e }
				if model[e] {
					if !tab.remove(hash(e), eq, hash) {
						t.Fatalf("step %d: remove(%d) found nothing", step, e)
					}
					delete(model, e)
				} else {
					tab.insert(hash(e), e, hash)
					model[e] = true
				}
				if tab.n != len(model) {
					t.Fatalf("step %d: n = %d, want %d", step, tab.n, len(model))
				}
				if step%97 == 0 {
					checkTable(t, &tab, model, hash)
				}
			}
		})
	}
}

func checkTable(t *testing.T, tab *probeTable[uint32], model map[uint32]bool, hash func(uint32) uint64) {
	t.Helper()
	for e := uint32(1); e <= 300; e++ {
		_, ok := tab.find(hash(e), func(x uint32) bool { return x == e })
		if ok != model[e] {
			t.Fatalf("find(%d) = %v, want %v", e, ok, model[e])
		}
	}
}

func TestProbeTableShrinks(t *testing.T) {
	hash := func(e uint32) uint64 { return uint64(e) * 0x9e3779b97f4a7c15 }
	var tab probeTable[uint32]
	for e := uint32(1); e <= 10000; e++ {
		tab.insert(hash(e), e, hash)
	}
	for e := uint32(1); e <= 9990; e++ {
		tab.remove(hash(e), func(x uint32) bool { return x == e }, hash)
	}
	if len(tab.slots) > 128 {
		t.Fatalf("%d slots for %d entries", len(tab.slots), tab.n)
	}
}
