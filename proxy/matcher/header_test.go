package matcher

import (
	"math"
	"testing"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
)

func TestParseInt64(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-1", -1, true}, {"+7", 7, true}, {" 12\t", 12, true},
		{"9223372036854775807", math.MaxInt64, true}, {"9223372036854775808", 0, false},
		{"-9223372036854775808", math.MinInt64, true}, {"-9223372036854775809", 0, false},
		{"", 0, false}, {"-", 0, false}, {"1 2", 0, false}, {"0x10", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseInt64([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseInt64(%q) = %d, %t; want %d, %t", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestHeader(t *testing.T) {
	str := func(v string) *routev3.HeaderMatcher {
		return &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: sm("exact", v, false)}}
	}
	rng := &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_RangeMatch{RangeMatch: &typev3.Int64Range{Start: -5, End: 10}}}
	present := func(p bool) *routev3.HeaderMatcher {
		return &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_PresentMatch{PresentMatch: p}}
	}
	with := func(hm *routev3.HeaderMatcher, invert, missingEmpty bool) *routev3.HeaderMatcher {
		hm.InvertMatch, hm.TreatMissingHeaderAsEmpty = invert, missingEmpty
		return hm
	}
	missing := "\x00missing"
	for _, tc := range []struct {
		name string
		hm   *routev3.HeaderMatcher
		in   string // missing: the header is not there
		want bool
	}{
		{"string", str("v"), "v", true},
		{"string miss", str("v"), "w", false},
		{"string missing", str("v"), missing, false},
		{"inverted missing", with(str("v"), true, false), missing, false},
		{"inverted", with(str("v"), true, false), "w", true},
		{"missing as empty", with(str(""), false, true), missing, true},
		{"no specifier", &routev3.HeaderMatcher{Name: "h"}, "", true},
		{"no specifier missing", &routev3.HeaderMatcher{Name: "h"}, missing, false},
		{"present", present(true), "x", true},
		{"absent", present(false), missing, true},
		{"absent but there", present(false), "x", false},
		{"inverted absent missing", with(present(false), true, false), missing, false},
		{"range", rng, " -5 ", true},
		{"range end", rng, "10", false},
		{"range not a number", rng, "1x", false},
		{"exact_match empty is any value", &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_ExactMatch{}}, "x", true},
		{"exact_match", &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_ExactMatch{ExactMatch: "x"}}, "X", false},
		{"prefix_match", &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_PrefixMatch{PrefixMatch: "a"}}, "ab", true},
		{"suffix_match", &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_SuffixMatch{SuffixMatch: "b"}}, "ab", true},
		{"contains_match", &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_ContainsMatch{ContainsMatch: "b"}}, "abc", true},
		{"safe_regex_match", &routev3.HeaderMatcher{Name: "h", HeaderMatchSpecifier: &routev3.HeaderMatcher_SafeRegexMatch{SafeRegexMatch: &matcherv3.RegexMatcher{Regex: "a.c"}}}, "abc", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probs := newProblems()
			m := CompileHeader(probs, "h", tc.hm)
			if err := probs.Err(); err != nil {
				t.Fatal(err)
			}
			v, ok := []byte(tc.in), tc.in != missing
			if !ok {
				v = nil
			}
			if got := m.Match(v, ok); got != tc.want {
				t.Errorf("Match(%q) = %t, want %t", tc.in, got, tc.want)
			}
		})
	}
}

func TestCompileHeadersErrors(t *testing.T) {
	probs := newProblems()
	hs := CompileHeaders(probs, "headers", []*routev3.HeaderMatcher{
		{Name: "Ok"},
		{HeaderMatchSpecifier: &routev3.HeaderMatcher_RangeMatch{RangeMatch: &typev3.Int64Range{Start: 5, End: 5}}},
		{Name: "p", HeaderMatchSpecifier: &routev3.HeaderMatcher_PrefixMatch{}},
		{Name: "r", HeaderMatchSpecifier: &routev3.HeaderMatcher_SafeRegexMatch{SafeRegexMatch: &matcherv3.RegexMatcher{}}},
	})
	if len(hs) != 4 || hs[0].Name != "Ok" {
		t.Fatalf("CompileHeaders = %d matchers, first named %q", len(hs), hs[0].Name)
	}
	want := "headers[1].name: required\n" +
		"headers[1].range_match: start 5 must be less than end 5\n" +
		"headers[2].prefix_match: must not be empty\n" +
		"headers[3].safe_regex_match.regex: required"
	if err := probs.Err(); err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
}

func TestParseInt64String(t *testing.T) {
	if n, ok := ParseInt64(" -42"); n != -42 || !ok {
		t.Errorf(`ParseInt64(" -42") = %d, %t`, n, ok)
	}
}
