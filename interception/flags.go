package interception

import (
	"flag"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Register defines the command-line flags of the options on fs, with o's current values as
// defaults. List flags take comma-separated values and may be repeated; the first use replaces
// the default list and later uses add to it.
func (o *Options) Register(fs *flag.FlagSet) {
	fs.Var(&idsFlag{dst: &o.ProxyUIDs}, "proxy-uid", "uid of the proxy, never captured (repeatable)")
	fs.Var(&idsFlag{dst: &o.ProxyGIDs}, "proxy-gid", "gid of the proxy, never captured (repeatable)")
	fs.Var(portFlag{&o.OutboundPort}, "outbound-port", "port of the outbound capture listener")
	fs.Var(portFlag{&o.InboundPort}, "inbound-port", "port of the inbound capture listener")
	fs.Var(portSetFlag{&o.InboundPorts}, "inbound-ports",
		`inbound ports to capture: "*" for all, a comma-separated list, or "" for none`)
	fs.Var(&portsFlag{dst: &o.ExcludeInboundPorts}, "exclude-inbound-ports",
		"inbound ports never captured (the proxy's own ports are always added)")
	fs.Var(&portsFlag{dst: &o.ExcludeOutboundPorts}, "exclude-outbound-ports",
		"destination ports never captured outbound")
	fs.Var(&cidrSetFlag{dst: &o.OutboundCIDRs}, "outbound-cidrs",
		`destinations to capture outbound: "*" for all, a comma-separated list of CIDRs, or "" for none`)
	fs.Var(&cidrsFlag{dst: &o.ExcludeOutboundCIDRs}, "exclude-outbound-cidrs",
		"destination CIDRs never captured outbound")
	fs.Var(numFlag{&o.CaptureMark, true}, "capture-mark", "packet mark bit of captured packets")
	fs.Var(numFlag{&o.BypassMark, true}, "bypass-mark", "packet mark bit of the proxy's sockets (skiff proxy --socket-mark)")
	fs.Var(numFlag{&o.RouteTable, false}, "route-table", "routing table that delivers captured packets locally")
	fs.Var(toggleFlag{&o.IPv6}, "ipv6", "install IPv6 rules too: true, false or auto (when the namespace has IPv6)")
	fs.StringVar(&o.Backend, "iptables-backend", o.Backend, "iptables backend: auto, nft or legacy")
}

// idsFlag is a repeatable list of uids or gids.
type idsFlag struct {
	dst *[]uint32
	set bool
}

func (f *idsFlag) String() string {
	if f.dst == nil {
		return ""
	}
	s := make([]string, len(*f.dst))
	for i, v := range *f.dst {
		s[i] = strconv.FormatUint(uint64(v), 10)
	}
	return strings.Join(s, ",")
}

func (f *idsFlag) Set(v string) error {
	if !f.set {
		*f.dst, f.set = nil, true
	}
	for p := range strings.SplitSeq(v, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 32)
		if err != nil {
			return fmt.Errorf("%q: want a numeric id", p)
		}
		*f.dst = append(*f.dst, uint32(n))
	}
	return nil
}

// portFlag is one port.
type portFlag struct{ dst *uint16 }

func (f portFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return strconv.Itoa(int(*f.dst))
}

func (f portFlag) Set(v string) error {
	ports, err := ParsePorts(v)
	if err != nil {
		return err
	}
	if len(ports) != 1 {
		return fmt.Errorf("%q: want one port", v)
	}
	*f.dst = ports[0]
	return nil
}

// portsFlag is a repeatable list of ports.
type portsFlag struct {
	dst *[]uint16
	set bool
}

func (f *portsFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return joinPorts(*f.dst)
}

func (f *portsFlag) Set(v string) error {
	ports, err := ParsePorts(v)
	if err != nil {
		return err
	}
	if !f.set {
		*f.dst, f.set = nil, true
	}
	*f.dst = append(*f.dst, ports...)
	return nil
}

// portSetFlag is "*", a list of ports, or "".
type portSetFlag struct{ dst *PortSet }

func (f portSetFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return f.dst.String()
}

func (f portSetFlag) Set(v string) error {
	s, err := ParsePortSet(v)
	if err != nil {
		return err
	}
	*f.dst = s
	return nil
}

// cidrsFlag is a repeatable list of CIDRs.
type cidrsFlag struct {
	dst *[]netip.Prefix
	set bool
}

func (f *cidrsFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return joinPrefixes(*f.dst)
}

func (f *cidrsFlag) Set(v string) error {
	p, err := ParseCIDRs(v)
	if err != nil {
		return err
	}
	if !f.set {
		*f.dst, f.set = nil, true
	}
	*f.dst = append(*f.dst, p...)
	return nil
}

// cidrSetFlag is "*", a repeatable list of CIDRs, or "".
type cidrSetFlag struct {
	dst *CIDRSet
	set bool
}

func (f *cidrSetFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return f.dst.String()
}

func (f *cidrSetFlag) Set(v string) error {
	s, err := ParseCIDRSet(v)
	if err != nil {
		return err
	}
	if !f.set || s.All || f.dst.All {
		*f.dst, f.set = s, true
		return nil
	}
	f.dst.Prefixes = append(f.dst.Prefixes, s.Prefixes...)
	return nil
}

// numFlag is a 32-bit number, decimal or 0x hexadecimal; hex says how it prints.
type numFlag struct {
	dst *uint32
	hex bool
}

func (f numFlag) String() string {
	switch {
	case f.dst == nil:
		return ""
	case f.hex:
		return fmt.Sprintf("%#x", *f.dst)
	}
	return strconv.FormatUint(uint64(*f.dst), 10)
}

func (f numFlag) Set(v string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 0, 32)
	if err != nil {
		return fmt.Errorf("%q: want a number (decimal or 0x hexadecimal)", v)
	}
	*f.dst = uint32(n)
	return nil
}

// toggleFlag is true, false or auto; the bare flag means true.
type toggleFlag struct{ dst *Toggle }

func (f toggleFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return f.dst.String()
}

func (f toggleFlag) Set(v string) error {
	t, err := ParseToggle(v)
	if err != nil {
		return err
	}
	*f.dst = t
	return nil
}

func (f toggleFlag) IsBoolFlag() bool { return true }
