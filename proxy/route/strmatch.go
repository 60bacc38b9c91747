package route

import (
	"bytes"
	"regexp"

	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
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

// stringMatcher is a compiled envoy.type.matcher.v3.StringMatcher.
type stringMatcher struct {
	kind  strKind
	value string // the literal; lower-cased when fold is set
	bytes []byte // value as bytes, for contains without fold
	fold  bool   // ignore_case (never set for strRegex: Envoy ignores it there)
	re    *regexp.Regexp
}

// match reports whether v matches. It does not allocate except inside regexp (see regexMatch).
func (m *stringMatcher) match(v []byte) bool {
	switch m.kind {
	case strExact:
		return equal(v, m.value, m.fold)
	case strPrefix:
		return hasPrefix(v, m.value, m.fold)
	case strSuffix:
		return hasSuffix(v, m.value, m.fold)
	case strContains:
		if m.fold {
			return containsFold(v, m.value)
		}
		return bytes.Contains(v, m.bytes)
	case strRegex:
		return m.re.Match(v)
	}
	return false
}

// compileStringMatcher compiles the StringMatcher at path. Like Envoy, ignore_case applies to
// exact, prefix, suffix and contains and has no effect on safe_regex.
func compileStringMatcher(probs *problems, path string, sm *matcherv3.StringMatcher) stringMatcher {
	m := stringMatcher{fold: sm.GetIgnoreCase()}
	switch p := sm.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		m.kind, m.value = strExact, p.Exact
	case *matcherv3.StringMatcher_Prefix:
		m.kind, m.value = strPrefix, nonEmpty(probs, joinPath(path, "prefix"), p.Prefix)
	case *matcherv3.StringMatcher_Suffix:
		m.kind, m.value = strSuffix, nonEmpty(probs, joinPath(path, "suffix"), p.Suffix)
	case *matcherv3.StringMatcher_Contains:
		m.kind, m.value = strContains, nonEmpty(probs, joinPath(path, "contains"), p.Contains)
	case *matcherv3.StringMatcher_SafeRegex:
		m.kind, m.fold = strRegex, false
		m.re = compileRegex(probs, joinPath(path, "safe_regex"), p.SafeRegex, true)
	default:
		probs.addf(path, "one of exact, prefix, suffix, contains or safe_regex is required")
	}
	if m.fold {
		m.value = lowerString(m.value)
	}
	m.bytes = []byte(m.value)
	return m
}

// nonEmpty returns s, recording an error at path when it is empty.
func nonEmpty(probs *problems, path, s string) string {
	if s == "" {
		probs.addf(path, "must not be empty")
	}
	return s
}

// compileRegex compiles the RegexMatcher at path with Go's regexp, which implements RE2 syntax.
// A full match (anchored at both ends, as Envoy's RE2::FullMatch) is compiled when full is set;
// otherwise the expression finds matches anywhere (for substitutions). It returns nil after
// recording an error.
func compileRegex(probs *problems, path string, rm *matcherv3.RegexMatcher, full bool) *regexp.Regexp {
	expr := rm.GetRegex()
	if expr == "" {
		probs.addf(joinPath(path, "regex"), "required")
		return nil
	}
	// The expression is compiled on its own first: a broken one such as `a)|(b` would otherwise
	// become valid inside the anchoring group.
	re, err := regexp.Compile(expr)
	if err != nil {
		probs.addf(joinPath(path, "regex"), "%v", err)
		return nil
	}
	if full {
		if re, err = regexp.Compile(`^(?:` + expr + `)$`); err != nil {
			probs.addf(joinPath(path, "regex"), "%v", err)
			return nil
		}
	}
	return re
}
