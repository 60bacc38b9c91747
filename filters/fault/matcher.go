package fault

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"

	"github.com/skiffmesh/skiff/filters"
)

// headerMatcher is a compiled Envoy HeaderMatcher (the subset faults use:
// string_match, present_match, invert_match).
type headerMatcher struct {
	name    string
	present bool // present_match: only presence counts
	kind    int
	value   []byte
	ignore  bool
	re      *regexp.Regexp
	invert  bool
}

const (
	matchExact = iota
	matchPrefix
	matchSuffix
	matchContains
	matchRegex
)

func compileMatcher(h *routev3.HeaderMatcher) (headerMatcher, error) {
	m := headerMatcher{name: strings.ToLower(h.GetName()), invert: h.GetInvertMatch()}
	if m.name == "" {
		return m, fmt.Errorf("name: required")
	}
	switch s := h.GetHeaderMatchSpecifier().(type) {
	case *routev3.HeaderMatcher_PresentMatch:
		m.present = true
		if !s.PresentMatch {
			m.invert = !m.invert
		}
	case *routev3.HeaderMatcher_StringMatch:
		return compileString(m, s.StringMatch)
	case nil:
		m.present = true
	default:
		return m, fmt.Errorf("%T: %w (use string_match or present_match)", s, ErrUnsupported)
	}
	return m, nil
}

func compileString(m headerMatcher, sm *matcherv3.StringMatcher) (headerMatcher, error) {
	m.ignore = sm.GetIgnoreCase()
	switch p := sm.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		m.kind, m.value = matchExact, []byte(p.Exact)
	case *matcherv3.StringMatcher_Prefix:
		m.kind, m.value = matchPrefix, []byte(p.Prefix)
	case *matcherv3.StringMatcher_Suffix:
		m.kind, m.value = matchSuffix, []byte(p.Suffix)
	case *matcherv3.StringMatcher_Contains:
		m.kind, m.value = matchContains, []byte(p.Contains)
	case *matcherv3.StringMatcher_SafeRegex:
		re, err := regexp.Compile("^(?:" + p.SafeRegex.GetRegex() + ")$")
		if err != nil {
			return m, fmt.Errorf("string_match.safe_regex: %w", err)
		}
		m.kind, m.re = matchRegex, re
	default:
		return m, fmt.Errorf("string_match: %T %w", p, ErrUnsupported)
	}
	if m.ignore {
		m.value = bytes.ToLower(m.value)
	}
	return m, nil
}

func (m *headerMatcher) match(h filters.Headers) bool {
	v, ok := h.Get(m.name)
	var hit bool
	switch {
	case m.present:
		hit = ok
	case !ok:
		return false // a value matcher never matches an absent header, inverted or not
	default:
		hit = m.matchValue(v)
	}
	return hit != m.invert
}

func (m *headerMatcher) matchValue(v []byte) bool {
	if m.kind == matchRegex {
		return m.re.Match(v)
	}
	eq := bytes.Equal
	has := bytes.HasPrefix
	if m.ignore {
		eq = bytes.EqualFold
		has = func(s, p []byte) bool { return len(s) >= len(p) && bytes.EqualFold(s[:len(p)], p) }
	}
	switch m.kind {
	case matchExact:
		return eq(v, m.value)
	case matchPrefix:
		return has(v, m.value)
	case matchSuffix:
		return len(v) >= len(m.value) && eq(v[len(v)-len(m.value):], m.value)
	default: // contains
		if m.ignore {
			return bytes.Contains(bytes.ToLower(v), m.value)
		}
		return bytes.Contains(v, m.value)
	}
}
