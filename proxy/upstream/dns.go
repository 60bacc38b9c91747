package upstream

import (
	"context"
	"net/netip"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

// resolveOnce resolves every endpoint of a STRICT_DNS cluster; each address
// returned becomes a host, as in Envoy. A failed lookup keeps that
// endpoint's previous hosts.
func (m *Manager) resolveOnce(ctx context.Context, c *Cluster) {
	c.Stats.UpdateAttempt.Inc(stats.Shared)
	prev := map[netip.AddrPort]*Host{}
	prevByEndpoint := map[dnsEndpoint][]*Host{} // a resolved host's Hostname is its endpoint's name
	for _, h := range c.Hosts() {
		prev[h.Addr()] = h
		k := dnsEndpoint{h.Hostname(), h.Addr().Port()}
		prevByEndpoint[k] = append(prevByEndpoint[k], h)
	}
	var hosts []*Host
	var b hostBuilder
	failed := false
	for _, ep := range c.cfg.Endpoints {
		addrs, err := m.lookup(ctx, ep.Address, c.cfg.DNSLookupFamily)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failed = true
			m.log.Warn("dns resolution failed", "cluster", c.Name(), "host", ep.Address, "err", err)
			hosts = append(hosts, prevByEndpoint[dnsEndpoint{ep.Address, uint16(ep.Port)}]...)
			continue
		}
		for _, ip := range addrs {
			ap := netip.AddrPortFrom(ip.Unmap(), uint16(ep.Port))
			if h, ok := prev[ap]; ok {
				hosts = append(hosts, h)
				continue
			}
			hosts = append(hosts, b.host(ap, ep.Address, ep.Weight, ep.Priority, ep.Metadata))
		}
	}
	if failed {
		c.Stats.UpdateFailure.Inc(stats.Shared)
	} else {
		c.Stats.UpdateSuccess.Inc(stats.Shared)
	}
	if failed && len(hosts) == 0 && len(prev) == 0 {
		return // keep waiting for a first answer; the cluster stays not ready
	}
	c.setHosts(hosts)
}

// dnsEndpoint identifies a STRICT_DNS endpoint by name and port.
type dnsEndpoint struct {
	name string
	port uint16
}

// lookup resolves host with the cluster's dns_lookup_family. An IP literal
// resolves to itself.
func (m *Manager) lookup(ctx context.Context, host string, fam config.DNSFamily) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	switch fam {
	case config.DNSV4Only:
		return m.opts.Resolver.LookupNetIP(ctx, "ip4", host)
	case config.DNSV6Only:
		return m.opts.Resolver.LookupNetIP(ctx, "ip6", host)
	case config.DNSAll:
		return m.opts.Resolver.LookupNetIP(ctx, "ip", host)
	case config.DNSV4Preferred:
		if v4, err := m.opts.Resolver.LookupNetIP(ctx, "ip4", host); err == nil && len(v4) > 0 {
			return v4, nil
		}
		return m.opts.Resolver.LookupNetIP(ctx, "ip6", host)
	default: // AUTO: IPv6 if any, else IPv4
		if v6, err := m.opts.Resolver.LookupNetIP(ctx, "ip6", host); err == nil && len(v6) > 0 {
			return v6, nil
		}
		return m.opts.Resolver.LookupNetIP(ctx, "ip4", host)
	}
}
