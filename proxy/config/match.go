package config

import (
	"cmp"
	"net/netip"
	"slices"
)

// chainMatcher is the compiled filter_chain_match index of a listener. Each level holds only the
// candidates that the levels above selected, as in Envoy's FilterChainManager.
type chainMatcher struct {
	ports   map[uint16]prefixTable[prefixTable[*portTable]] // chains naming the destination port
	anyPort prefixTable[prefixTable[*portTable]]            // chains without destination_port
}

// prefixTable maps address prefixes to the next level, longest prefix first. Chains without
// prefixes are entered under 0.0.0.0/0 and ::/0.
type prefixTable[T any] []prefixEntry[T]

type prefixEntry[T any] struct {
	prefix netip.Prefix
	next   T
}

// portTable is the source_ports level: exact ports, then the chain without source_ports.
type portTable struct {
	ports map[uint16]*FilterChain
	any   *FilterChain
}

// find returns the chain for a connection, or nil. It does not allocate.
func (m *chainMatcher) find(dst, src netip.AddrPort) *FilterChain {
	if m == nil {
		return nil
	}
	dsts, ok := m.ports[dst.Port()]
	if !ok {
		dsts = m.anyPort
	}
	srcs, ok := dsts.lookup(dst.Addr().Unmap())
	if !ok {
		return nil
	}
	ports, ok := srcs.lookup(src.Addr().Unmap())
	if !ok {
		return nil
	}
	if c, ok := ports.ports[src.Port()]; ok {
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

// anyAddress stands for "no prefix ranges": both families' catch-all prefixes.
var anyAddress = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}

// matchTree is the uncompiled index: destination port (0 = any) -> destination prefix -> source
// prefix -> source port (0 = any) -> index of the chain.
type matchTree map[uint16]map[netip.Prefix]map[netip.Prefix]map[uint16]int

// compileMatcher indexes chains by their matches. Two chains that would both claim some
// connection at the most specific level are an error, as in Envoy.
func compileMatcher(probs *problems, chains []*FilterChain) *chainMatcher {
	tree := matchTree{}
	for i, c := range chains {
		if j, ok := tree.add(c.Match, i); !ok {
			probs.addf(index("filter_chains", i), "filter chain %q has the same matching rules as filter_chains[%d] (%q)",
				c.Name, j, chains[j].Name)
		}
	}
	m := &chainMatcher{ports: map[uint16]prefixTable[prefixTable[*portTable]]{}}
	for port, dsts := range tree {
		t := compileDst(dsts, chains)
		if port == 0 {
			m.anyPort = t
		} else {
			m.ports[port] = t
		}
	}
	return m
}

// add enters chain i under every combination of its match values. It returns the index of a chain
// already entered under one of them, and false, on a conflict.
func (t matchTree) add(m ChainMatch, i int) (int, bool) {
	dsts := orAny(m.PrefixRanges)
	srcs := orAny(m.SourcePrefixRanges)
	ports := m.SourcePorts
	if len(ports) == 0 {
		ports = []uint16{0}
	}
	for _, d := range dsts {
		for _, s := range srcs {
			for _, p := range ports {
				if j, ok := t.leaf(m.DestinationPort, d, s, p, i); !ok {
					return j, false
				}
			}
		}
	}
	return 0, true
}

// leaf sets one leaf of the tree to i, or returns the chain already there.
func (t matchTree) leaf(port uint16, dst, src netip.Prefix, srcPort uint16, i int) (int, bool) {
	if t[port] == nil {
		t[port] = map[netip.Prefix]map[netip.Prefix]map[uint16]int{}
	}
	if t[port][dst] == nil {
		t[port][dst] = map[netip.Prefix]map[uint16]int{}
	}
	if t[port][dst][src] == nil {
		t[port][dst][src] = map[uint16]int{}
	}
	if j, ok := t[port][dst][src][srcPort]; ok && j != i {
		return j, false
	}
	t[port][dst][src][srcPort] = i
	return i, true
}

func orAny(p []netip.Prefix) []netip.Prefix {
	if len(p) == 0 {
		return anyAddress
	}
	return p
}

func compileDst(dsts map[netip.Prefix]map[netip.Prefix]map[uint16]int, chains []*FilterChain) prefixTable[prefixTable[*portTable]] {
	return compileTable(dsts, func(srcs map[netip.Prefix]map[uint16]int) prefixTable[*portTable] {
		return compileTable(srcs, func(ports map[uint16]int) *portTable {
			return compilePorts(ports, chains)
		})
	})
}

// compileTable orders a prefix level longest prefix first (ties in address order, for a stable
// result) and compiles each entry's next level.
func compileTable[V, T any](level map[netip.Prefix]V, next func(V) T) prefixTable[T] {
	t := make(prefixTable[T], 0, len(level))
	for p, v := range level {
		t = append(t, prefixEntry[T]{prefix: p, next: next(v)})
	}
	slices.SortFunc(t, func(a, b prefixEntry[T]) int {
		if c := cmp.Compare(b.prefix.Bits(), a.prefix.Bits()); c != 0 {
			return c
		}
		return a.prefix.Addr().Compare(b.prefix.Addr())
	})
	return t
}

func compilePorts(ports map[uint16]int, chains []*FilterChain) *portTable {
	t := &portTable{ports: map[uint16]*FilterChain{}}
	for p, i := range ports {
		if p == 0 {
			t.any = chains[i]
		} else {
			t.ports[p] = chains[i]
		}
	}
	return t
}
