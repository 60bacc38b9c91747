package stats

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzSegments builds a stat from arbitrary segments and checks that its dotted name is the
// segments joined by dots and that every renderer accepts it.
func FuzzSegments(f *testing.F) {
	f.Add("cluster", "envoy_cluster_name", "outbound|80||a.b", "upstream_cx_total")
	f.Add("a..b", "9-x", "q\"\\\n\xff", ".c.")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, plain, tag, value, name string) {
		s := NewStore(1)
		sc := s.Scope(S(plain), T(tag, value))
		sc.Counter(name).Inc(0)
		want := dottedOf(plain, tag, value, name)
		if v, ok := s.CounterValue(want); !ok || v != 1 {
			t.Fatalf("CounterValue(%q) = %d, %v", want, v, ok)
		}
		var b bytes.Buffer
		if err := s.WriteText(&b, nil, false); err != nil || b.String() != want+": 1\n" {
			t.Fatalf("text %q, %v; want %q", b.String(), err, want+": 1\n")
		}
		b.Reset()
		if err := s.WritePrometheus(&b, false); err != nil || strings.Count(b.String(), "\n") != 2 {
			t.Fatalf("prometheus %q, %v", b.String(), err)
		}
		sc.Release()
		if n, syms, chunks := liveStats(s); n+syms+chunks != 0 {
			t.Fatalf("after release: %d stats, %d symbols, %d chunks", n, syms, chunks)
		}
	})
}

// dottedOf is the expected dotted name: plain pieces split on dots without empty pieces, a tag
// value kept whole.
func dottedOf(plain, tag, value, name string) string {
	var parts []string
	split := func(s string) {
		for p := range strings.SplitSeq(s, ".") {
			if p != "" {
				parts = append(parts, p)
			}
		}
	}
	split(plain)
	if tag == "" {
		split(value)
	} else {
		parts = append(parts, value)
	}
	split(name)
	return strings.Join(parts, ".")
}
