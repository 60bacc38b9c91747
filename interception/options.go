package interception

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
)

// Defaults, as in Istio where Istio has the same setting.
const (
	DefaultProxyUID     = 1337
	DefaultOutboundPort = 15001
	DefaultInboundPort  = 15006
	DefaultCaptureMark  = 0x400
	DefaultBypassMark   = 0x800
	DefaultRouteTable   = 133
	// RulePriority is the preference of the `ip rule` that routes captured packets to the local
	// table; it sorts before the main table's 32766.
	RulePriority = 100
	// maxPort is the largest port number.
	maxPort = 65535
)

// ProxyPorts returns the proxy's own well-known ports: admin (15000), readiness (15021) and
// Prometheus (15090), as in Istio. They, the outbound port and the inbound port are never
// captured inbound.
func ProxyPorts() []uint16 { return []uint16{15000, 15021, 15090} }

// Options are the settings of the capture rules. The zero value is not useful: start from
// DefaultOptions. Every field has a command-line flag (see Options.Register).
type Options struct {
	// ProxyUIDs and ProxyGIDs own the proxy process; their traffic is never captured outbound.
	ProxyUIDs []uint32
	ProxyGIDs []uint32
	// OutboundPort is the outbound capture listener's port (on 127.0.0.1 and ::1).
	OutboundPort uint16
	// InboundPort is the inbound capture listener's port (on 127.0.0.1 and ::1).
	InboundPort uint16
	// InboundPorts are the destination ports captured inbound: All, a list, or nothing.
	InboundPorts PortSet
	// ExcludeInboundPorts are never captured inbound; their replies are never captured outbound.
	// The proxy's own ports are added to them (see ExcludedInboundPorts).
	ExcludeInboundPorts []uint16
	// ExcludeOutboundPorts are destination ports never captured outbound.
	ExcludeOutboundPorts []uint16
	// OutboundCIDRs are the destinations captured outbound: All, a list, or nothing.
	OutboundCIDRs CIDRSet
	// ExcludeOutboundCIDRs are destinations never captured outbound.
	ExcludeOutboundCIDRs []netip.Prefix
	// CaptureMark is the packet mark bit of captured packets (one bit).
	CaptureMark uint32
	// BypassMark is the packet mark bit the proxy puts on its sockets with SO_MARK (one bit).
	BypassMark uint32
	// RouteTable is the routing table that delivers marked packets locally.
	RouteTable uint32
	// IPv6 says whether to install IPv6 rules too; Auto means when the namespace has IPv6.
	IPv6 Toggle
	// Backend is the iptables backend: "" or "auto" to detect it, "nft" or "legacy".
	Backend string
}

// DefaultOptions returns Istio's defaults: proxy uid 1337, ports 15001 and 15006, every inbound
// port and every outbound destination captured, IPv6 when the namespace has it.
func DefaultOptions() Options {
	return Options{
		ProxyUIDs:     []uint32{DefaultProxyUID},
		OutboundPort:  DefaultOutboundPort,
		InboundPort:   DefaultInboundPort,
		InboundPorts:  PortSet{All: true},
		OutboundCIDRs: CIDRSet{All: true},
		CaptureMark:   DefaultCaptureMark,
		BypassMark:    DefaultBypassMark,
		RouteTable:    DefaultRouteTable,
		IPv6:          Auto,
		Backend:       "auto",
	}
}

// ErrInvalidOptions wraps every error of Options.Validate.
var ErrInvalidOptions = errors.New("interception: invalid options")

// Validate checks the options. Each problem is reported, naming its flag.
func (o *Options) Validate() error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: --%s: %s", ErrInvalidOptions, flag, fmt.Sprintf(format, args...)))
	}
	if len(o.ProxyUIDs) == 0 && len(o.ProxyGIDs) == 0 {
		bad("proxy-uid", "at least one proxy uid or gid is required")
	}
	if o.OutboundPort == 0 {
		bad("outbound-port", "must be 1..%d", maxPort)
	}
	if o.InboundPort == 0 {
		bad("inbound-port", "must be 1..%d", maxPort)
	}
	if o.OutboundPort == o.InboundPort && o.OutboundPort != 0 {
		bad("inbound-port", "%d is also the outbound port", o.InboundPort)
	}
	for _, l := range []struct {
		flag  string
		ports []uint16
	}{
		{"inbound-ports", o.InboundPorts.Ports}, {"exclude-inbound-ports", o.ExcludeInboundPorts},
		{"exclude-outbound-ports", o.ExcludeOutboundPorts},
	} {
		if slices.Contains(l.ports, 0) {
			bad(l.flag, "port 0 is not a port")
		}
	}
	checkMark(bad, "capture-mark", o.CaptureMark)
	checkMark(bad, "bypass-mark", o.BypassMark)
	if o.CaptureMark == o.BypassMark && o.CaptureMark != 0 {
		bad("bypass-mark", "%#x is also the capture mark", o.BypassMark)
	}
	switch o.RouteTable {
	case 0, 253, 254, 255:
		bad("route-table", "%d is reserved (unspec, default, main, local)", o.RouteTable)
	}
	switch o.Backend {
	case "", "auto", "nft", "legacy":
	default:
		bad("iptables-backend", "%q: use auto, nft or legacy", o.Backend)
	}
	return errors.Join(errs...)
}

func checkMark(bad func(flag, format string, args ...any), flag string, m uint32) {
	if bits.OnesCount32(m) != 1 {
		bad(flag, "%#x must be a single bit (e.g. 0x400)", m)
	}
}

// Warnings lists settings that are valid but risky: marks that collide with bits other software
// commonly uses.
func (o *Options) Warnings() []string {
	var w []string
	for _, m := range []struct {
		flag string
		v    uint32
	}{{"capture-mark", o.CaptureMark}, {"bypass-mark", o.BypassMark}} {
		switch {
		case m.v == 0x4000 || m.v == 0x8000:
			w = append(w, fmt.Sprintf("--%s %#x is a bit kube-proxy uses (0x4000 masquerade, 0x8000 drop)", m.flag, m.v))
		case m.v >= 0x10000:
			w = append(w, fmt.Sprintf("--%s %#x is in the upper 16 bits, which Calico uses", m.flag, m.v))
		}
	}
	return w
}

// ExcludedInboundPorts returns the ports never captured inbound, sorted: ExcludeInboundPorts plus
// the outbound port, the inbound port and ProxyPorts. Replies from these ports are never captured
// outbound either.
func (o *Options) ExcludedInboundPorts() []uint16 {
	ports := slices.Concat(o.ExcludeInboundPorts, ProxyPorts(), []uint16{o.OutboundPort, o.InboundPort})
	return sortedPorts(ports)
}

func sortedPorts(ports []uint16) []uint16 {
	out := slices.Clone(ports)
	slices.Sort(out)
	return slices.Compact(out)
}
