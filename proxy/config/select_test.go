package config

import (
	"net/netip"
	"testing"

	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// chainsListener returns the listener of testdata/chains.yaml.
func chainsListener(t testing.TB) *Listener {
	t.Helper()
	b, err := Load("testdata/chains.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := TranslateListener(b.GetStaticResources().GetListeners()[0])
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSelect(t *testing.T) {
	l := chainsListener(t)
	for _, tc := range []struct {
		name, dst, src, want string
	}{
		{"exact port", "1.2.3.4:80", "5.6.7.8:1000", "port80"},
		{"exact port and prefix", "10.2.3.4:80", "5.6.7.8:1000", "port80_10net"},
		{"exact port beats prefix without port", "10.1.2.3:80", "5.6.7.8:1000", "port80_10net"},
		{"prefix", "10.2.3.4:8080", "5.6.7.8:1000", "10net"},
		{"longer prefix wins", "10.1.3.4:8080", "5.6.7.8:1000", "10_1net"},
		{"host prefix wins", "10.1.2.3:8080", "5.6.7.8:1000", "host_10_1_2_3"},
		{"IPv6 prefix", "[2001:db8::1]:8080", "[2001:db8::2]:1000", "v6"},
		{"IPv6 without a matching prefix", "[2001:db9::1]:8080", "[2001:db9::2]:1000", "catchall"},
		{"IPv4-mapped destination", "[::ffff:10.1.3.4]:8080", "5.6.7.8:1000", "10_1net"},
		{"source prefix", "1.2.3.4:8080", "192.168.1.1:1000", "from_192"},
		{"source prefix before source port", "1.2.3.4:8080", "192.168.1.1:5555", "from_192"},
		{"source port", "1.2.3.4:8080", "5.6.7.8:5555", "from_port_5555"},
		{"nothing specific", "1.2.3.4:8080", "5.6.7.8:1000", "catchall"},
		{"source prefix under exact port", "1.2.3.4:443", "10.9.9.9:1000", "port443_from_10net"},
		{"no backtracking from exact port", "1.2.3.4:443", "192.168.1.1:1000", "default"},
		{"no backtracking from destination prefix", "10.1.3.4:8080", "192.168.1.1:1000", "10_1net"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := l.Select(netip.MustParseAddrPort(tc.dst), netip.MustParseAddrPort(tc.src))
			if got == nil {
				t.Fatalf("Select(%s, %s) = nil, want %q", tc.dst, tc.src, tc.want)
			}
			if got.Name != tc.want {
				t.Errorf("Select(%s, %s) = %q, want %q", tc.dst, tc.src, got.Name, tc.want)
			}
		})
	}
}

func TestSelectWithoutMatch(t *testing.T) {
	src := netip.MustParseAddrPort("5.6.7.8:1000")
	onlyPort := tcpChain("only80", "c")
	onlyPort.FilterChainMatch = &listenerv3.FilterChainMatch{DestinationPort: wrapperspb.UInt32(80)}
	for _, tc := range []struct {
		name     string
		chains   []*listenerv3.FilterChain
		fallback *listenerv3.FilterChain
		dst      string
		want     string // "" means nil
	}{
		{"no match and no default chain", []*listenerv3.FilterChain{onlyPort}, nil, "1.2.3.4:81", ""},
		{"no match falls back to the default chain", []*listenerv3.FilterChain{onlyPort}, tcpChain("fallback", "c"), "1.2.3.4:81", "fallback"},
		{"only a default chain", nil, tcpChain("fallback", "c"), "[::1]:1", "fallback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := TranslateListener(&listenerv3.Listener{
				Name: "l", Address: sockAddr("0.0.0.0", 1), FilterChains: tc.chains, DefaultFilterChain: tc.fallback,
			})
			if err != nil {
				t.Fatal(err)
			}
			got := l.Select(netip.MustParseAddrPort(tc.dst), src)
			switch {
			case got == nil && tc.want != "":
				t.Errorf("Select = nil, want %q", tc.want)
			case got != nil && got.Name != tc.want:
				t.Errorf("Select = %q, want %q", got.Name, tc.want)
			}
		})
	}
}

func TestSelectOnLiteralListener(t *testing.T) {
	d := &FilterChain{Name: "d"}
	l := &Listener{FilterChains: []*FilterChain{{Name: "x"}}, DefaultChain: d}
	if got := l.Select(netip.MustParseAddrPort("1.2.3.4:1"), netip.MustParseAddrPort("1.2.3.4:2")); got != d {
		t.Errorf("Select on an untranslated listener = %v, want the default chain", got)
	}
}

func BenchmarkSelect(b *testing.B) {
	l := chainsListener(b)
	conns := []struct{ dst, src netip.AddrPort }{
		{netip.MustParseAddrPort("10.1.3.4:8080"), netip.MustParseAddrPort("5.6.7.8:1000")},
		{netip.MustParseAddrPort("1.2.3.4:80"), netip.MustParseAddrPort("5.6.7.8:1000")},
		{netip.MustParseAddrPort("[2001:db8::1]:8080"), netip.MustParseAddrPort("[2001:db8::2]:1000")},
		{netip.MustParseAddrPort("1.2.3.4:8080"), netip.MustParseAddrPort("192.168.1.1:5555")},
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := conns[i%len(conns)]
		if l.Select(c.dst, c.src) == nil {
			b.Fatal("no chain")
		}
		i++
	}
}

func TestSelectDoesNotAllocate(t *testing.T) {
	l := chainsListener(t)
	dst, src := netip.MustParseAddrPort("[2001:db8::1]:8080"), netip.MustParseAddrPort("[2001:db8::2]:1000")
	if n := testing.AllocsPerRun(100, func() { l.Select(dst, src) }); n != 0 {
		t.Errorf("Select allocates %v times per call", n)
	}
}
