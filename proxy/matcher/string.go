package matcher

import (
	"bytes"
	"regexp"

	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

// strKind is the kind of a compiled StringMatcher.
type strKind uint8

const (
	strExact strKind = iota
	strPrefix
	strSuffix
	strContains
	strRegex
)

// String is a compiled envoy.type.matcher.v3.StringMatcher. The zero value matches the empty
// string only.
type String struct {
	kind  strKind
	value string // the literal; lower-cased when fold is set
	bytes []byte // value as bytes, for contains without fold
	fold  bool   // ignore_case (never set for strRegex: Envoy ignores it there)
	re    *regexp.Regexp
}

// Match reports whether v matches. It does not allocate except inside regexp.
func (m *String) Match(v []byte) bool {
	switch m.kind {
	case strExact:
		return Equal(v, m.value, m.fold)
	case strPrefix:
		return HasPrefix(v, m.value, m.fold)
	case strSuffix:
		return HasSuffix(v, m.value, m.fold)
	case strContains:
		if m.fold {
			return ContainsFold(v, m.value)
		}
		return bytes.Contains(v, m.bytes)
	case strRegex:
		return m.re.Match(v)
	}
	return false
}

// CompileString compiles the StringMatcher at path. Like Envoy, ignore_case applies to exact,
// prefix, suffix and contains and has no effect on safe_regex; prefix, suffix and contains must
// not be empty.
func CompileString(probs *fieldcheck.Problems, path string, sm *matcherv3.StringMatcher) String {
	m := String{fold: sm.GetIgnoreCase()}
	switch p := sm.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		m.kind, m.value = strExact, p.Exact
	case *matcherv3.StringMatcher_Prefix:
		m.kind, m.value = strPrefix, probs.NonEmpty(fieldcheck.Join(path, "prefix"), p.Prefix)
	case *matcherv3.StringMatcher_Suffix:
		m.kind, m.value = strSuffix, probs.NonEmpty(fieldcheck.Join(path, "suffix"), p.Suffix)
	case *matcherv3.StringMatcher_Contains:
		m.kind, m.value = strContains, probs.NonEmpty(fieldcheck.Join(path, "contains"), p.Contains)
	case *matcherv3.StringMatcher_SafeRegex:
		m.kind, m.fold = strRegex, false
		m.re = CompileRegex(probs, fieldcheck.Join(path, "safe_regex"), p.SafeRegex, true)
	default:
		probs.Addf(path, "one of exact, prefix, suffix, contains or safe_regex is required")
	}
	if m.fold {
		m.value = LowerString(m.value)
	}
	m.bytes = []byte(m.value)
	return m
}

// literal returns a case-sensitive matcher of the given kind for v, a deprecated *_match field
// of a HeaderMatcher at path, recording an error when v is empty.
func literal(probs *fieldcheck.Problems, path string, kind strKind, v string) String {
	return String{kind: kind, value: probs.NonEmpty(path, v), bytes: []byte(v)}
}

// CompileRegex compiles the RegexMatcher at path with Go's regexp, which implements RE2 syntax.
// A full match (anchored at both ends, as Envoy's RE2::FullMatch) is compiled when full is set;
// otherwise the expression finds matches anywhere (for substitutions). It returns nil after
// recording an error.
func CompileRegex(probs *fieldcheck.Problems, path string, rm *matcherv3.RegexMatcher, full bool) *regexp.Regexp {
	expr := rm.GetRegex()
	if expr == "" {
		probs.Addf(fieldcheck.Join(path, "regex"), "required")
		return nil
	}
	// The expression is compiled on its own first: a broken one such as `a)|(b` would otherwise
	// become valid inside the anchoring group.
	re, err := regexp.Compile(expr)
	if err != nil {
		probs.Addf(fieldcheck.Join(path, "regex"), "%v", err)
		return nil
	}
	if full {
		if re, err = regexp.Compile(`^(?:` + expr + `)$`); err != nil {
			probs.Addf(fieldcheck.Join(path, "regex"), "%v", err)
			return nil
		}
	}
	return re
}
