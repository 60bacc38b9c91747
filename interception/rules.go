package interception

import (
	"fmt"
	"strings"
)

// Skiff's chains in the mangle table. Install creates them and jumps to the first two from the
// built-in PREROUTING and OUTPUT chains; Uninstall removes exactly those jumps and chains.
const (
	ChainPrerouting = "SKIFF_PREROUTING"
	ChainOutput     = "SKIFF_OUTPUT"
	ChainDivert     = "SKIFF_DIVERT"
)

// chains are Skiff's chains in creation order.
var chains = []string{ChainPrerouting, ChainOutput, ChainDivert}

// jumps are the rules that hook Skiff's chains into the built-in chains.
var jumps = []struct{ from, rule string }{
	{"PREROUTING", "-A PREROUTING -p tcp -j " + ChainPrerouting},
	{"OUTPUT", "-A OUTPUT -p tcp -j " + ChainOutput},
}

// multiportMax is how many ports one multiport match takes.
const multiportMax = 15

// InstallRules returns the iptables-restore input, for use with --noflush, that installs the
// capture rules of family f. Declaring Skiff's chains flushes them, so the text replaces
// whatever an earlier install left in them and leaves every other rule alone. The jumps into
// Skiff's chains are added only when saved (the family's iptables-save output, parsed) lacks
// them, which makes running it twice harmless. o must be valid (Options.Validate).
func InstallRules(o *Options, f Family, saved Saved) string {
	var b strings.Builder
	b.WriteString("*mangle\n")
	for _, c := range chains {
		fmt.Fprintf(&b, ":%s - [0:0]\n", c)
	}
	for _, j := range jumps {
		if !saved.HasJump(j.from) {
			b.WriteString(j.rule + "\n")
		}
	}
	for _, r := range divertRules(o) {
		b.WriteString(r + "\n")
	}
	for _, r := range preroutingRules(o, f) {
		b.WriteString(r + "\n")
	}
	for _, r := range outputRules(o, f) {
		b.WriteString(r + "\n")
	}
	b.WriteString("COMMIT\n")
	return b.String()
}

// divertRules mark packets of the proxy's transparent sockets so the policy route delivers them
// locally, and accept them.
func divertRules(o *Options) []string {
	return []string{
		fmt.Sprintf("-A %s -j MARK --set-xmark %s", ChainDivert, maskedMark(o.CaptureMark)),
		fmt.Sprintf("-A %s -j ACCEPT", ChainDivert),
	}
}

// preroutingRules hand captured packets to the listeners: outbound ones arrive back on lo
// carrying the capture mark; inbound ones are new connections (SYN) on a captured port.
func preroutingRules(o *Options, f Family) []string {
	c := ChainPrerouting
	rules := []string{
		fmt.Sprintf("-A %s -p tcp -m socket --transparent -j %s", c, ChainDivert),
		fmt.Sprintf("-A %s -i lo -p tcp -m mark --mark %s -j %s", c, maskedMark(o.CaptureMark),
			tproxy(o, f, o.OutboundPort)),
		fmt.Sprintf("-A %s -i lo -j RETURN", c),
	}
	for _, ports := range chunk(o.ExcludedInboundPorts()) {
		rules = append(rules, fmt.Sprintf("-A %s -p tcp -m multiport --dports %s -j RETURN", c, joinPorts(ports)))
	}
	switch {
	case o.InboundPorts.All:
		rules = append(rules, fmt.Sprintf("-A %s -p tcp --syn -j %s", c, tproxy(o, f, o.InboundPort)))
	default:
		for _, ports := range chunk(sortedPorts(o.InboundPorts.Ports)) {
			rules = append(rules, fmt.Sprintf("-A %s -p tcp -m multiport --dports %s --syn -j %s",
				c, joinPorts(ports), tproxy(o, f, o.InboundPort)))
		}
	}
	return rules
}

// outputRules mark the packets of the application's outbound connections, except the proxy's
// own traffic (by mark and owner), loopback, excluded destinations and replies from inbound
// ports that are not captured.
func outputRules(o *Options, f Family) []string {
	c := ChainOutput
	rules := []string{fmt.Sprintf("-A %s -m mark --mark %s -j RETURN", c, maskedMark(o.BypassMark))}
	for _, uid := range o.ProxyUIDs {
		rules = append(rules, fmt.Sprintf("-A %s -m owner --uid-owner %d -j RETURN", c, uid))
	}
	for _, gid := range o.ProxyGIDs {
		rules = append(rules, fmt.Sprintf("-A %s -m owner --gid-owner %d -j RETURN", c, gid))
	}
	rules = append(rules, fmt.Sprintf("-A %s -o lo -j RETURN", c))
	for _, p := range o.ExcludeOutboundCIDRs {
		if f.has(p) {
			rules = append(rules, fmt.Sprintf("-A %s -d %s -j RETURN", c, p))
		}
	}
	for _, ports := range chunk(sortedPorts(o.ExcludeOutboundPorts)) {
		rules = append(rules, fmt.Sprintf("-A %s -p tcp -m multiport --dports %s -j RETURN", c, joinPorts(ports)))
	}
	for _, ports := range chunk(o.ExcludedInboundPorts()) {
		rules = append(rules, fmt.Sprintf("-A %s -p tcp -m multiport --sports %s -j RETURN", c, joinPorts(ports)))
	}
	mark := fmt.Sprintf("-j MARK --set-xmark %s", maskedMark(o.CaptureMark))
	if o.OutboundCIDRs.All {
		return append(rules, fmt.Sprintf("-A %s %s", c, mark))
	}
	for _, p := range o.OutboundCIDRs.Prefixes {
		if f.has(p) {
			rules = append(rules, fmt.Sprintf("-A %s -d %s %s", c, p, mark))
		}
	}
	return rules
}

// tproxy is the TPROXY target sending a packet to the capture listener on port.
func tproxy(o *Options, f Family, port uint16) string {
	return fmt.Sprintf("TPROXY --on-port %d --on-ip %s --tproxy-mark %s", port, f.Loopback(), maskedMark(o.CaptureMark))
}

// maskedMark formats a mark bit as value/mask.
func maskedMark(bit uint32) string {
	return fmt.Sprintf("%#x/%#x", bit, bit)
}

// chunk splits ports into groups multiport accepts.
func chunk(ports []uint16) [][]uint16 {
	var out [][]uint16
	for len(ports) > multiportMax {
		out = append(out, ports[:multiportMax])
		ports = ports[multiportMax:]
	}
	if len(ports) > 0 {
		out = append(out, ports)
	}
	return out
}

// RemovalRules returns the iptables-restore input, for use with --noflush, that removes what
// InstallRules added, as found in saved: every jump from a built-in chain into one of Skiff's
// chains, then Skiff's chains. It returns "" when saved holds nothing of Skiff's.
func RemovalRules(saved Saved) string {
	if len(saved.Jumps) == 0 && len(saved.Chains) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("*mangle\n")
	for _, j := range saved.Jumps {
		b.WriteString("-D" + strings.TrimPrefix(j, "-A") + "\n")
	}
	for _, c := range saved.Chains {
		fmt.Fprintf(&b, "-F %s\n", c)
	}
	for _, c := range saved.Chains {
		fmt.Fprintf(&b, "-X %s\n", c)
	}
	b.WriteString("COMMIT\n")
	return b.String()
}
