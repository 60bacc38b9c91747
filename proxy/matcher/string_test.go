package matcher

import (
	"strings"
	"testing"

	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

// newProblems returns a collector whose errors read `path: problem`.
func newProblems() *fieldcheck.Problems {
	return fieldcheck.NewProblems(func(path string, err error) error {
		return &fieldcheck.FieldError{Path: path, Err: err}
	})
}

// sm builds a StringMatcher.
func sm(pattern string, v string, ignoreCase bool) *matcherv3.StringMatcher {
	m := &matcherv3.StringMatcher{IgnoreCase: ignoreCase}
	switch pattern {
	case "exact":
		m.MatchPattern = &matcherv3.StringMatcher_Exact{Exact: v}
	case "prefix":
		m.MatchPattern = &matcherv3.StringMatcher_Prefix{Prefix: v}
	case "suffix":
		m.MatchPattern = &matcherv3.StringMatcher_Suffix{Suffix: v}
	case "contains":
		m.MatchPattern = &matcherv3.StringMatcher_Contains{Contains: v}
	case "regex":
		m.MatchPattern = &matcherv3.StringMatcher_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: v}}
	}
	return m
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pattern, v string
		fold       bool
		in         string
		want       bool
	}{
		{"exact", "exact", "v1", false, "v1", true},
		{"exact case", "exact", "v1", false, "V1", false},
		{"exact fold", "exact", "V1", true, "v1", true},
		{"exact empty", "exact", "", false, "", true},
		{"prefix", "prefix", "ab", false, "abc", true},
		{"prefix short", "prefix", "ab", false, "a", false},
		{"prefix fold", "prefix", "AB", true, "aBc", true},
		{"suffix", "suffix", "bc", false, "abc", true},
		{"suffix miss", "suffix", "bc", false, "abd", false},
		{"suffix fold", "suffix", "BC", true, "abc", true},
		{"contains", "contains", "b", false, "abc", true},
		{"contains case", "contains", "B", false, "abc", false},
		{"contains fold", "contains", "B", true, "abc", true},
		{"contains fold miss", "contains", "x", true, "abc", false},
		{"regex full match", "regex", "v[0-9]", false, "v7", true},
		{"regex anchored", "regex", "v[0-9]", false, "v77", false},
		{"regex ignores fold", "regex", "v", true, "V", false},
		{"fold is ASCII only", "exact", "é", true, "É", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probs := newProblems()
			m := CompileString(probs, "m", sm(tc.pattern, tc.v, tc.fold))
			if err := probs.Err(); err != nil {
				t.Fatal(err)
			}
			if got := m.Match([]byte(tc.in)); got != tc.want {
				t.Errorf("Match(%q) = %t, want %t", tc.in, got, tc.want)
			}
		})
	}
}

func TestCompileStringErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    *matcherv3.StringMatcher
		want string
	}{
		{"empty prefix", sm("prefix", "", false), "m.prefix: must not be empty"},
		{"empty suffix", sm("suffix", "", false), "m.suffix: must not be empty"},
		{"empty contains", sm("contains", "", false), "m.contains: must not be empty"},
		{"no regex", sm("regex", "", false), "m.safe_regex.regex: required"},
		{"bad regex", sm("regex", "a)|(b", false), "m.safe_regex.regex: error parsing regexp"},
		{"no pattern", &matcherv3.StringMatcher{}, "m: one of exact, prefix, suffix, contains or safe_regex is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probs := newProblems()
			CompileString(probs, "m", tc.m)
			if err := probs.Err(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCompileRegexNotFull(t *testing.T) {
	re := CompileRegex(newProblems(), "r", &matcherv3.RegexMatcher{Regex: "b+"}, false)
	if re == nil || !re.MatchString("abbc") {
		t.Fatalf("CompileRegex(b+, full=false) = %v, want a match anywhere", re)
	}
}

func TestMatchAllocs(t *testing.T) {
	probs := newProblems()
	ms := []String{
		CompileString(probs, "", sm("exact", "V1", true)),
		CompileString(probs, "", sm("prefix", "ab", false)),
		CompileString(probs, "", sm("suffix", "BC", true)),
		CompileString(probs, "", sm("contains", "b", false)),
		CompileString(probs, "", sm("contains", "B", true)),
	}
	in := []byte("xabcx")
	if n := testing.AllocsPerRun(100, func() {
		for i := range ms {
			ms[i].Match(in)
		}
	}); n != 0 {
		t.Errorf("Match allocates %v times", n)
	}
}
