package upstream

import "slices"

// hostSet is an immutable view of a cluster's hosts, grouped by priority.
// Traffic goes to the lowest priority that has hosts (Skiff has no active
// health checking yet, so every host counts as healthy).
type hostSet struct {
	all    []*Host // every host, in config order
	active []*Host // hosts of the lowest non-empty priority
	// schedule is a smooth weighted round-robin order over active (indices),
	// nil when all weights are equal (plain rotation is then exact).
	schedule []uint32
	// cumulative weights of active, for weighted random picks.
	cumulative  []uint64
	totalWeight uint64
	equal       bool
}

// maxSchedule bounds the weighted round-robin schedule; larger weight sums
// are scaled down proportionally.
const maxSchedule = 4096

func newHostSet(hosts []*Host) *hostSet {
	hs := &hostSet{all: hosts}
	if len(hosts) == 0 {
		return hs
	}
	minPrio := hosts[0].Priority
	for _, h := range hosts {
		minPrio = min(minPrio, h.Priority)
	}
	for _, h := range hosts {
		if h.Priority == minPrio {
			hs.active = append(hs.active, h)
		}
	}
	hs.equal = true
	hs.cumulative = make([]uint64, len(hs.active))
	for i, h := range hs.active {
		hs.totalWeight += uint64(h.Weight)
		hs.cumulative[i] = hs.totalWeight
		if h.Weight != hs.active[0].Weight {
			hs.equal = false
		}
	}
	if !hs.equal {
		hs.schedule = smoothSchedule(hs.active, hs.totalWeight)
	}
	return hs
}

// smoothSchedule computes nginx-style smooth weighted round robin: each host
// appears weight times per cycle, spread out rather than in runs.
func smoothSchedule(hosts []*Host, total uint64) []uint32 {
	weights := make([]int64, len(hosts))
	var sum int64
	for i, h := range hosts {
		w := uint64(h.Weight)
		if total > maxSchedule {
			w = max(1, w*maxSchedule/total)
		}
		weights[i] = int64(w)
		sum += int64(w)
	}
	current := make([]int64, len(hosts))
	out := make([]uint32, 0, sum)
	for range sum {
		best := 0
		for i := range weights {
			current[i] += weights[i]
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= sum
		out = append(out, uint32(best))
	}
	return out
}

// pickWeighted maps r in [0, totalWeight) to a host.
func (hs *hostSet) pickWeighted(r uint64) *Host {
	i, _ := slices.BinarySearch(hs.cumulative, r+1)
	return hs.active[min(i, len(hs.active)-1)]
}
