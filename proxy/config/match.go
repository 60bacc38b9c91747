package config

import (
	"cmp"
	"net/netip"
	"strings"
)

// ConnInfo is what a filter chain is chosen by: the addresses of the connection and what the
// listener filters (tls_inspector, http_inspector) detected in its first bytes.
type ConnInfo struct {
	// Dst is the local address of the accepted socket: the original destination under TPROXY.
	Dst netip.AddrPort
	// Src is the peer address.
	Src netip.AddrPort
	// ServerName is the SNI of a TLS ClientHello, lower case; empty when none was detected.
	ServerName string
	// TransportProtocol is "tls" when tls_inspector found a ClientHello; empty means
	// "raw_buffer", as in Envoy.
	TransportProtocol string
	// ApplicationProtocols are the ALPN values of a ClientHello, or what http_inspector
	// detected ("http/1.1", "http/1.0", "h2c").
	ApplicationProtocols []string
}

// Transport protocols of filter_chain_match.transport_protocol.
const (
	TransportRaw = "raw_buffer"
	TransportTLS = "tls"
)

// chainMatcher is the compiled filter_chain_match index of a listener. Each level holds only the
// candidates that the levels above selected, as in Envoy's FilterChainManager: destination port,
// destination prefix, server name, transport protocol, application protocol, source prefix,
// source port.
type chainMatcher struct {
	ports   map[uint16]prefixTable[*nameLevel] // chains naming the destination port
	anyPort prefixTable[*nameLevel]            // chains without destination_port

	// Whether any chain matches on server names, transport or application protocols: only
	// then do the listener filters have to inspect a connection.
	usesSNI, usesTransport, usesALPN bool
}

// prefixTable maps address prefixes to the next level, longest prefix first. Chains without
// prefixes are entered under 0.0.0.0/0 and ::/0.
type prefixTable[T any] []prefixEntry[T]

type prefixEntry[T any] struct {
	prefix netip.Prefix
	next   T
}

// nameLevel is the server_names level: exact names, then wildcards ("*.example.com", kept as
// ".example.com") longest first, then the chains without server_names.
type nameLevel struct {
	exact    map[string]*keyLevel[*keyLevel[*srcLevel]]
	wildcard map[string]*keyLevel[*keyLevel[*srcLevel]]
	any      *keyLevel[*keyLevel[*srcLevel]]
}

// keyLevel is a level keyed by a string (transport protocol, application protocol): an exact
// key, else the chains that do not name one. A nil next level means no candidate.
type keyLevel[T comparable] struct {
	byKey map[string]T
	any   T
}

// srcLevel is the source prefix level.
type srcLevel struct{ prefixes prefixTable[*portTable] }

// portTable is the source_ports level: exact ports, then the chain without source_ports.
type portTable struct {
	ports map[uint16]*FilterChain
	any   *FilterChain
}

// find returns the chain for a connection, or nil. It does not allocate.
func (m *chainMatcher) find(ci *ConnInfo) *FilterChain {
	if m == nil {
		return nil
	}
	dsts, ok := m.ports[ci.Dst.Port()]
	if !ok {
		dsts = m.anyPort
	}
	names, ok := dsts.lookup(ci.Dst.Addr().Unmap())
	if !ok {
		return nil
	}
	transports := names.lookup(ci.ServerName)
	if transports == nil {
		return nil
	}
	tp := ci.TransportProtocol
	if tp == "" {
		tp = TransportRaw
	}
	alpns := transports.get(tp)
	if alpns == nil {
		return nil
	}
	srcs := alpns.first(ci.ApplicationProtocols)
	if srcs == nil {
		return nil
	}
	ports, ok := srcs.prefixes.lookup(ci.Src.Addr().Unmap())
	if !ok {
		return nil
	}
	if c, ok := ports.ports[ci.Src.Port()]; ok {
		return c
	}
	return ports.any
}

// lookup returns the entry of the longest prefix containing a.
func (t prefixTable[T]) lookup(a netip.Addr) (T, bool) {
	for i := range t {
		if t[i].prefix.Contains(a) {
			return t[i].next, true
		}
	}
	var zero T
	return zero, false
}

// lookup picks the server name level's candidates for sni ("" when none).
func (n *nameLevel) lookup(sni string) *keyLevel[*keyLevel[*srcLevel]] {
	if sni != "" {
		if t, ok := n.exact[sni]; ok {
			return t
		}
		for i := 0; i < len(sni); i++ {
			if sni[i] != '.' {
				continue
			}
			if t, ok := n.wildcard[sni[i:]]; ok {
				return t
			}
		}
	}
	return n.any
}

// get returns the next level for key, else for chains without a key.
func (k *keyLevel[T]) get(key string) T {
	if t, ok := k.byKey[key]; ok {
		return t
	}
	return k.any
}

// first returns the next level of the first key that has one, else of chains without a key.
func (k *keyLevel[T]) first(keys []string) T {
	for _, key := range keys {
		if t, ok := k.byKey[key]; ok {
			return t
		}
	}
	return k.any
}

// anyAddress stands for "no prefix ranges": both families' catch-all prefixes.
var anyAddress = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}

// leafKey is one combination of match values; "" and 0 stand for "not set".
type leafKey struct {
	port      uint16
	dst       netip.Prefix
	name      string
	transport string
	alpn      string
	src       netip.Prefix
	srcPort   uint16
}

// compileMatcher indexes chains by their matches. Two chains that would both claim some
// connection at the most specific level are an error, as in Envoy.
func compileMatcher(probs *problems, chains []*FilterChain) *chainMatcher {
	leaves := map[leafKey]int{}
	m := &chainMatcher{ports: map[uint16]prefixTable[*nameLevel]{}}
	for i, c := range chains {
		m.usesSNI = m.usesSNI || len(c.Match.ServerNames) > 0
		m.usesTransport = m.usesTransport || c.Match.TransportProtocol != ""
		m.usesALPN = m.usesALPN || len(c.Match.ApplicationProtocols) > 0
		for _, k := range leafKeys(c.Match) {
			if j, ok := leaves[k]; ok && j != i {
				probs.addf(index("filter_chains", i), "filter chain %q has the same matching rules as filter_chains[%d] (%q)",
					c.Name, j, chains[j].Name)
				break
			}
			leaves[k] = i
			m.insert(k, c)
		}
	}
	return m
}

// leafKeys lists every combination of a chain's match values.
func leafKeys(m ChainMatch) []leafKey {
	var out []leafKey
	for _, d := range orAny(m.PrefixRanges) {
		for _, n := range orEmpty(m.ServerNames) {
			for _, a := range orEmpty(m.ApplicationProtocols) {
				for _, s := range orAny(m.SourcePrefixRanges) {
					for _, p := range orZero(m.SourcePorts) {
						out = append(out, leafKey{port: m.DestinationPort, dst: d, name: n,
							transport: m.TransportProtocol, alpn: a, src: s, srcPort: p})
					}
				}
			}
		}
	}
	return out
}

// insert enters chain c under the leaf k, creating the levels on the way.
func (m *chainMatcher) insert(k leafKey, c *FilterChain) {
	dsts := m.anyPort
	if k.port != 0 {
		dsts = m.ports[k.port]
	}
	var names *nameLevel
	dsts, names = entry(dsts, k.dst, func() *nameLevel { return &nameLevel{} })
	if k.port != 0 {
		m.ports[k.port] = dsts
	} else {
		m.anyPort = dsts
	}
	transports := names.level(k.name)
	alpns := slot(transports, k.transport, func() *keyLevel[*srcLevel] { return &keyLevel[*srcLevel]{} })
	srcs := slot(alpns, k.alpn, func() *srcLevel { return &srcLevel{} })
	var ports *portTable
	srcs.prefixes, ports = entry(srcs.prefixes, k.src, func() *portTable {
		return &portTable{ports: map[uint16]*FilterChain{}}
	})
	if k.srcPort == 0 {
		ports.any = c
	} else {
		ports.ports[k.srcPort] = c
	}
}

// level returns the transport level of server name name ("" = none), creating it.
func (n *nameLevel) level(name string) *keyLevel[*keyLevel[*srcLevel]] {
	mk := func() *keyLevel[*keyLevel[*srcLevel]] { return &keyLevel[*keyLevel[*srcLevel]]{} }
	switch {
	case name == "":
		if n.any == nil {
			n.any = mk()
		}
		return n.any
	case strings.HasPrefix(name, "*."):
		return mapSlot(&n.wildcard, name[1:], mk)
	default:
		return mapSlot(&n.exact, name, mk)
	}
}

// slot returns k's next level for key ("" = chains without one), creating it with mk.
func slot[T comparable](k *keyLevel[T], key string, mk func() T) T {
	var zero T
	if key == "" {
		if k.any == zero {
			k.any = mk()
		}
		return k.any
	}
	return mapSlot(&k.byKey, key, mk)
}

// mapSlot returns (*m)[key], creating the map and the value with mk.
func mapSlot[T any](m *map[string]T, key string, mk func() T) T {
	if *m == nil {
		*m = map[string]T{}
	}
	v, ok := (*m)[key]
	if !ok {
		v = mk()
		(*m)[key] = v
	}
	return v
}

// entry returns the next level of prefix p in t, inserting it (longest prefix first, ties in
// address order for a stable result) with mk when missing.
func entry[T any](t prefixTable[T], p netip.Prefix, mk func() T) (prefixTable[T], T) {
	at := len(t)
	for i := range t {
		if t[i].prefix == p {
			return t, t[i].next
		}
		if at == len(t) && comparePrefix(p, t[i].prefix) < 0 {
			at = i
		}
	}
	e := prefixEntry[T]{prefix: p, next: mk()}
	t = append(t, e)
	copy(t[at+1:], t[at:])
	t[at] = e
	return t, e.next
}

// comparePrefix orders longer prefixes first, then by address.
func comparePrefix(a, b netip.Prefix) int {
	if c := cmp.Compare(b.Bits(), a.Bits()); c != 0 {
		return c
	}
	return a.Addr().Compare(b.Addr())
}

func orAny(p []netip.Prefix) []netip.Prefix {
	if len(p) == 0 {
		return anyAddress
	}
	return p
}

func orEmpty(s []string) []string {
	if len(s) == 0 {
		return []string{""}
	}
	return s
}

func orZero(p []uint16) []uint16 {
	if len(p) == 0 {
		return []uint16{0}
	}
	return p
}
