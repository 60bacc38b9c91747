package upstream

import (
	"context"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// originalDst keeps the hosts of an ORIGINAL_DST cluster: one per original
// destination seen, forgotten after a cleanup interval without connections.
type originalDst struct {
	mu     sync.Mutex
	byAddr map[netip.AddrPort]*Host
	used   map[*Host]bool // picked since the last cleanup
}

// PickFor returns the host for a connection whose original destination is
// dst: for an ORIGINAL_DST cluster the host at dst (created on first use),
// for any other cluster Pick(shard). Any goroutine.
func (c *Cluster) PickFor(shard int, dst netip.AddrPort) *Host {
	if c.odst == nil {
		return c.Pick(shard)
	}
	if !dst.IsValid() || dst.Port() == 0 {
		return nil
	}
	o := c.odst
	o.mu.Lock()
	defer o.mu.Unlock()
	h, ok := o.byAddr[dst]
	if !ok {
		h = NewHost(dst, "", 1, 0, nil)
		h.setStats(c.hostStats.Load())
		if c.retired.Load() {
			h.markRemoved() // [prune] picked from a cluster that was removed or replaced
		}
		o.byAddr[dst] = h
		c.publishOriginalDst()
	}
	o.used[h] = true
	return h
}

// publishOriginalDst rebuilds the visible host set. Called with o.mu held.
func (c *Cluster) publishOriginalDst() {
	hosts := make([]*Host, 0, len(c.odst.byAddr))
	for _, h := range c.odst.byAddr {
		hosts = append(hosts, h)
	}
	slices.SortFunc(hosts, func(a, b *Host) int { return a.Addr().Compare(b.Addr()) })
	hs := newHostSet(hosts)
	c.hosts.Store(hs)
	c.Stats.MembershipTotal.Set(int64(len(hosts)))
	c.Stats.MembershipActive.Set(int64(len(hosts)))
}

// cleanupLoop forgets hosts that had no connection or request for a whole
// interval, like Envoy's cleanup_interval.
func (c *Cluster) cleanupLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.cleanupOriginalDst()
		}
	}
}

func (c *Cluster) cleanupOriginalDst() {
	o := c.odst
	o.mu.Lock()
	defer o.mu.Unlock()
	removed := false
	for addr, h := range o.byAddr {
		if !o.used[h] && h.idle() {
			delete(o.byAddr, addr)
			h.markRemoved() // [prune: removed hosts]
			removed = true
		}
	}
	clear(o.used)
	if removed {
		c.publishOriginalDst()
	}
}
