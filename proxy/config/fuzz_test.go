package config

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseTranslate feeds arbitrary documents through Parse and Translate: they must return an
// error or a snapshot, never panic, and a snapshot's listeners must be able to select chains.
func FuzzParseTranslate(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"static_resources":{"clusters":[{"name":"a","type":"STRICT_DNS"}]}}`))
	f.Add([]byte("layered_runtime: {layers: [{name: a, static_layer: {x: {y: [1]}}}]}"))
	dst, src := netip.MustParseAddrPort("10.0.0.1:80"), netip.MustParseAddrPort("[::1]:5555")
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(data)
		if err != nil {
			return
		}
		s, err := Translate(b)
		if err != nil {
			return
		}
		for _, l := range s.Listeners {
			if c := l.Select(dst, src); c != nil && c.TCPProxy == nil {
				t.Fatalf("listener %q: selected chain %q has no tcp_proxy", l.Name, c.Name)
			}
		}
	})
}
