package upstream

import (
	"fmt"
	"maps"
	"net/netip"

	"github.com/skiffmesh/skiff/proxy/config"
)

// SetEndpoints installs a new endpoint set in the cluster named name (an EDS update). Hosts whose
// address, weight, priority, hostname and metadata stay keep their *Host: their counters,
// gauges and pooled connections carry on untouched. A host that goes is only taken out of the
// set and marked Removed: load balancers no longer pick it, requests in flight to it finish, and
// connection pools close its connections as they become idle and then forget it (they are keyed
// by *Host, so a host that comes back is a new *Host with a new pool). The swap is atomic: a pick
// sees the old set or the new one. Any goroutine; it serialises with Apply.
func (m *Manager) SetEndpoints(name string, eps []config.Endpoint) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.Get(name)
	if c == nil {
		return fmt.Errorf("upstream: set endpoints: no cluster %q", name)
	}
	if c.cfg.Type != config.EDS && c.cfg.Type != config.Static {
		return fmt.Errorf("upstream: set endpoints: cluster %q is %s", name, c.cfg.Type)
	}
	c.setHosts(reuseHosts(c.Hosts(), staticHosts(&config.Cluster{Endpoints: eps})))
	return nil
}

// reuseHosts replaces each host of next by the host of prev with the same identity, if any.
func reuseHosts(prev, next []*Host) []*Host {
	byAddr := make(map[netip.AddrPort]*Host, len(prev))
	for _, h := range prev {
		byAddr[h.Addr()] = h
	}
	for i, h := range next {
		if old, ok := byAddr[h.Addr()]; ok && sameHost(old, h) {
			next[i] = old
		}
	}
	return next
}

// sameHost reports whether two hosts of the same address are interchangeable.
func sameHost(a, b *Host) bool {
	return a.Weight() == b.Weight() && a.Priority() == b.Priority() && a.Hostname() == b.Hostname() &&
		maps.Equal(a.Metadata(), b.Metadata())
}
