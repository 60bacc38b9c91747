package upstream

import (
	"math/rand/v2"

	"github.com/skiffmesh/skiff/proxy/config"
)

// cursor is a per-loop round-robin position, padded against false sharing.
type cursor struct {
	n uint64
	_ [56]byte
}

// Pick chooses a host for a new connection or request with the cluster's
// load-balancing policy, or returns nil when the cluster has no host. shard
// is the caller's loop index (or -1 off-loop).
func (c *Cluster) Pick(shard int) *Host {
	hs := c.hosts.Load()
	n := len(hs.active)
	switch {
	case n == 0:
		return nil
	case n == 1:
		return hs.active[0]
	}
	switch c.cfg.LBPolicy {
	case config.LeastRequest:
		return c.pickLeastRequest(hs)
	case config.Random:
		if hs.equal {
			return hs.active[rand.IntN(n)]
		}
		return hs.pickWeighted(rand.Uint64N(hs.totalWeight))
	default:
		return c.pickRoundRobin(hs, shard)
	}
}

func (c *Cluster) pickRoundRobin(hs *hostSet, shard int) *Host {
	var i uint64
	if shard >= 0 && shard < len(c.cursors) {
		cur := &c.cursors[shard]
		i = cur.n
		cur.n++
	} else {
		i = c.sharedCursor.Add(1) - 1
	}
	if hs.schedule != nil {
		return hs.active[hs.schedule[i%uint64(len(hs.schedule))]]
	}
	return hs.active[i%uint64(len(hs.active))]
}

// pickLeastRequest is Envoy's power-of-N-choices: sample choice_count hosts
// at random and take the one with the fewest active requests. With unequal
// weights the samples are drawn in proportion to weight and compared by
// active/weight, the first sample winning ties, so traffic follows the
// weights when the hosts are equally loaded (as with Envoy's weighted
// least-request).
func (c *Cluster) pickLeastRequest(hs *hostSet) *Host {
	choices := max(int(c.cfg.LeastRequestChoices), 2)
	var best *Host
	var bestScore float64
	for range choices {
		var h *Host
		if hs.equal {
			h = hs.active[rand.IntN(len(hs.active))]
		} else {
			h = hs.pickWeighted(rand.Uint64N(hs.totalWeight))
		}
		score := float64(h.ActiveRequests()) / float64(max(h.Weight(), 1))
		if best == nil || score < bestScore {
			best, bestScore = h, score
		}
	}
	return best
}
