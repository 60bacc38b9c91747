package interception

import "net/netip"

// Family is an IP version: IPv4 or IPv6. Rules are generated, installed and removed per family.
type Family int

// The two families.
const (
	IPv4 Family = 4
	IPv6 Family = 6
)

// String returns "IPv4" or "IPv6".
func (f Family) String() string {
	if f == IPv6 {
		return "IPv6"
	}
	return "IPv4"
}

// Loopback is the address the capture listeners of the family are bound to.
func (f Family) Loopback() netip.Addr {
	if f == IPv6 {
		return netip.IPv6Loopback()
	}
	return netip.AddrFrom4([4]byte{127, 0, 0, 1})
}

// anyPrefix is the default route's destination in the family.
func (f Family) anyPrefix() string {
	if f == IPv6 {
		return "::/0"
	}
	return "0.0.0.0/0"
}

// ipFlag is the family option of the ip command.
func (f Family) ipFlag() string {
	if f == IPv6 {
		return "-6"
	}
	return "-4"
}

// iptables is the family's iptables command name prefix: "iptables" or "ip6tables".
func (f Family) iptables() string {
	if f == IPv6 {
		return "ip6tables"
	}
	return "iptables"
}

// has reports whether p is of the family.
func (f Family) has(p netip.Prefix) bool {
	return p.Addr().Is6() == (f == IPv6)
}
