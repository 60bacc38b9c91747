package upstream

import (
	"maps"
	"net/netip"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/skiffmesh/skiff/proxy/config"
)

// hostSet is an immutable view of a cluster's hosts, grouped by priority.
// Traffic goes to the lowest priority that has hosts (Skiff has no active
// health checking yet, so every host counts as healthy).
type hostSet struct {
	all    []*Host // every host, in config order
	active []*Host // hosts of the lowest non-empty priority
	// schedule is a smooth weighted round-robin order over active (indices),
	// nil when all weights are equal (plain rotation is then exact).
	schedule []uint32
	// cumulative weights of active, for weighted random picks; nil when equal.
	cumulative  []uint64
	totalWeight uint64
	equal       bool
	subsets     subsetCache // lb_subset_config's subsets of this host set (subset.go)
}

// maxSchedule bounds the weighted round-robin schedule; larger weight sums
// are scaled down proportionally.
const maxSchedule = 4096

func newHostSet(hosts []*Host) *hostSet {
	hs := &hostSet{all: hosts}
	if len(hosts) == 0 {
		return hs
	}
	minPrio := hosts[0].Priority()
	for _, h := range hosts {
		minPrio = min(minPrio, h.Priority())
	}
	hs.active = activeHosts(hosts, minPrio)
	hs.equal = true
	for _, h := range hs.active {
		hs.totalWeight += uint64(h.Weight())
		if h.Weight() != hs.active[0].Weight() {
			hs.equal = false
		}
	}
	if !hs.equal {
		hs.cumulative = make([]uint64, len(hs.active))
		var sum uint64
		for i, h := range hs.active {
			sum += uint64(h.Weight())
			hs.cumulative[i] = sum
		}
		hs.schedule = smoothSchedule(hs.active, hs.totalWeight)
	}
	return hs
}

// activeHosts returns the hosts of priority prio: hosts itself when they all have it, so a
// single-priority cluster keeps one slice of host pointers, not two.
func activeHosts(hosts []*Host, prio uint32) []*Host {
	n := 0
	for _, h := range hosts {
		if h.Priority() == prio {
			n++
		}
	}
	if n == len(hosts) {
		return hosts
	}
	out := make([]*Host, 0, n)
	for _, h := range hosts {
		if h.Priority() == prio {
			out = append(out, h)
		}
	}
	return out
}

// smoothSchedule computes nginx-style smooth weighted round robin: each host
// appears weight times per cycle, spread out rather than in runs.
func smoothSchedule(hosts []*Host, total uint64) []uint32 {
	weights := make([]int64, len(hosts))
	var sum int64
	for i, h := range hosts {
		w := uint64(h.Weight())
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

// unchanged reports whether cfg can keep the runtime c: the same config as before (applied
// again), or an equal one. A STATIC config's endpoints are released into its runtime's hosts when
// it is applied, so a released config that is not one of the last Apply's is compared by its
// Source only (and logged): its endpoints are no longer known.
func (m *Manager) unchanged(c *Cluster, cfg *config.Cluster) bool {
	if c.cfg == cfg || m.held[cfg] == c {
		return true
	}
	if !proto.Equal(c.cfg.Source, cfg.Source) {
		return false
	}
	if cfg.EndpointsReleased() {
		m.log.Warn("cluster config applied again after a newer one; keeping the running hosts", "cluster", cfg.Name)
		return true
	}
	return c.sameEndpoints(cfg)
}

// sameEndpoints reports whether cfg has the endpoints c runs with: for a STATIC cluster, whose
// config endpoints were released, the endpoints its hosts were built from.
func (c *Cluster) sameEndpoints(cfg *config.Cluster) bool {
	if c.cfg.Type != config.Static || c.odst != nil {
		return slices.EqualFunc(c.cfg.Endpoints, cfg.Endpoints, sameEndpoint)
	}
	hosts := c.Hosts()
	if len(hosts) != len(cfg.Endpoints) {
		return false
	}
	for i, h := range hosts {
		ep := &cfg.Endpoints[i]
		ip, err := netip.ParseAddr(ep.Address)
		if err != nil || h.Addr() != netip.AddrPortFrom(ip, uint16(ep.Port)) || h.Hostname() != ep.Hostname ||
			h.Weight() != max(ep.Weight, 1) || h.Priority() != ep.Priority || !maps.Equal(h.Metadata(), ep.Metadata) {
			return false
		}
	}
	return true
}

func sameEndpoint(a, b config.Endpoint) bool {
	return a.Address == b.Address && a.Port == b.Port && a.Weight == b.Weight && a.Priority == b.Priority &&
		a.Hostname == b.Hostname && maps.Equal(a.Metadata, b.Metadata)
}
