package interception

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// PortSet is a set of TCP ports to capture: every port (All), the listed Ports, or none.
type PortSet struct {
	All   bool
	Ports []uint16
}

// String formats the set as its flag takes it: "*", a comma-separated list, or "".
func (s PortSet) String() string {
	if s.All {
		return "*"
	}
	return joinPorts(s.Ports)
}

// ParsePortSet parses "*" (every port), "" (none) or a comma-separated list of ports.
func ParsePortSet(v string) (PortSet, error) {
	if strings.TrimSpace(v) == "*" {
		return PortSet{All: true}, nil
	}
	ports, err := ParsePorts(v)
	return PortSet{Ports: ports}, err
}

// ParsePorts parses a comma-separated list of ports 1..65535; "" is the empty list.
func ParsePorts(v string) ([]uint16, error) {
	var ports []uint16
	for f := range strings.SplitSeq(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.ParseUint(f, 10, 16)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("port %q: want a number 1..%d", f, maxPort)
		}
		ports = append(ports, uint16(n))
	}
	return ports, nil
}

// CIDRSet is a set of destinations to capture: every address (All), the listed Prefixes, or none.
type CIDRSet struct {
	All      bool
	Prefixes []netip.Prefix
}

// String formats the set as its flag takes it: "*", a comma-separated list, or "".
func (s CIDRSet) String() string {
	if s.All {
		return "*"
	}
	return joinPrefixes(s.Prefixes)
}

// ParseCIDRSet parses "*" (every address), "" (none) or a comma-separated list of CIDRs.
func ParseCIDRSet(v string) (CIDRSet, error) {
	if strings.TrimSpace(v) == "*" {
		return CIDRSet{All: true}, nil
	}
	p, err := ParseCIDRs(v)
	return CIDRSet{Prefixes: p}, err
}

// ParseCIDRs parses a comma-separated list of IPv4 or IPv6 CIDRs; a bare address is a /32 or
// /128. Host bits are cleared ("10.1.2.3/8" is 10.0.0.0/8).
func ParseCIDRs(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("CIDR %q: %w", f, err)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("CIDR %q: %w", f, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func joinPorts(ports []uint16) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Toggle is a setting that is on, off, or decided at run time.
type Toggle int

// Toggle values.
const (
	Auto Toggle = iota
	On
	Off
)

// String returns "auto", "true" or "false".
func (t Toggle) String() string {
	switch t {
	case On:
		return "true"
	case Off:
		return "false"
	}
	return "auto"
}

// ParseToggle parses auto, or any boolean strconv.ParseBool accepts.
func ParseToggle(v string) (Toggle, error) {
	if v == "auto" {
		return Auto, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return Auto, fmt.Errorf("%q: want auto, true or false", v)
	}
	if b {
		return On, nil
	}
	return Off, nil
}
