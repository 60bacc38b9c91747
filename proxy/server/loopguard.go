package server

import (
	"net"
	"net/netip"
)

// localAddrs is the set of this host's (network namespace's) addresses and
// the ports Skiff listens on, for the capture loop guard.
type localAddrs struct {
	ips   map[netip.Addr]bool
	ports map[uint16]bool
}

// refreshLocal recomputes the loop guard's view after listeners changed.
// Called with s.mu held.
func (s *Server) refreshLocal() {
	la := &localAddrs{ips: map[netip.Addr]bool{}, ports: map[uint16]bool{}}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil {
				la.ips[p.Addr().Unmap()] = true
			}
		}
	}
	for _, l := range s.listeners {
		if l.ln == nil {
			continue // bind_to_port false: not a port Skiff listens on (original.go)
		}
		ap := addrPort(l.ln.Addr())
		la.ports[ap.Port()] = true
		la.ips[ap.Addr()] = true
	}
	s.local.Store(la)
}

// isOwnAddress reports whether dst is one of Skiff's own listening ports on
// an address of this host.
func (s *Server) isOwnAddress(dst netip.AddrPort) bool {
	la := s.local.Load()
	if la == nil || !la.ports[dst.Port()] {
		return false
	}
	ip := dst.Addr().Unmap()
	return ip.IsLoopback() || ip.IsUnspecified() || la.ips[ip]
}
