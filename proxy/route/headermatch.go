package route

import (
	"math"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// headerSource says where a header matcher reads its value.
type headerSource uint8

const (
	srcHeader    headerSource = iota // Request.Header
	srcMethod                        // ":method": Request.Method
	srcAuthority                     // ":authority": Request.Authority
)

// headerKind is the kind of a compiled HeaderMatcher.
type headerKind uint8

const (
	hdrString   headerKind = iota // string_match and the deprecated *_match strings
	hdrPresent                    // present_match, or no specifier at all
	hdrRange                      // range_match
	hdrAnyValue                   // the deprecated exact_match "" (Envoy: any value matches)
)

// headerMatcher is a compiled envoy.config.route.v3.HeaderMatcher.
type headerMatcher struct {
	name         string // lower-case
	src          headerSource
	kind         headerKind
	str          stringMatcher
	present      bool  // present_match
	start, end   int64 // range_match: [start, end)
	invert       bool  // invert_match
	missingEmpty bool  // treat_missing_header_as_empty
}

// matches evaluates the matcher as Envoy's HeaderUtility::matchHeaders does: a missing header
// fails every matcher (inverted or not) except a presence matcher, unless
// treat_missing_header_as_empty makes it an empty value.
func (m *headerMatcher) matches(r Request) bool {
	v, ok := m.value(r)
	if !ok && !m.missingEmpty {
		return m.kind == hdrPresent && m.present == m.invert
	}
	var match bool
	switch m.kind {
	case hdrString:
		match = m.str.match(v)
	case hdrPresent:
		match = m.present
	case hdrRange:
		n, ok := parseInt64(v)
		match = ok && n >= m.start && n < m.end
	case hdrAnyValue:
		match = true
	}
	return match != m.invert
}

// value reads the header the matcher looks at.
func (m *headerMatcher) value(r Request) ([]byte, bool) {
	switch m.src {
	case srcMethod:
		v := r.Method()
		return v, len(v) > 0
	case srcAuthority:
		v := r.Authority()
		return v, len(v) > 0
	}
	return r.Header(m.name)
}

// compileHeaderMatchers compiles the headers of a RouteMatch at path.
func compileHeaderMatchers(probs *problems, path string, hms []*routev3.HeaderMatcher) []headerMatcher {
	out := make([]headerMatcher, 0, len(hms))
	for i, hm := range hms {
		out = append(out, compileHeaderMatcher(probs, index(path, i), hm))
	}
	return out
}

// compileHeaderMatcher compiles one HeaderMatcher at path.
func compileHeaderMatcher(probs *problems, path string, hm *routev3.HeaderMatcher) headerMatcher {
	m := headerMatcher{
		name:         lowerString(hm.GetName()),
		invert:       hm.GetInvertMatch(),
		missingEmpty: hm.GetTreatMissingHeaderAsEmpty(),
	}
	switch m.name {
	case "":
		probs.addf(joinPath(path, "name"), "required")
	case ":method":
		m.src = srcMethod
	case ":authority":
		m.src = srcAuthority
	}
	headerSpecifier(probs, path, hm, &m)
	return m
}

// headerSpecifier fills in the kind of m from the header_match_specifier oneof.
func headerSpecifier(probs *problems, path string, hm *routev3.HeaderMatcher, m *headerMatcher) {
	literal := func(kind strKind, field, v string) {
		m.str = stringMatcher{kind: kind, value: nonEmpty(probs, joinPath(path, field), v), bytes: []byte(v)}
	}
	switch s := hm.GetHeaderMatchSpecifier().(type) {
	case nil:
		m.kind, m.present = hdrPresent, true
	case *routev3.HeaderMatcher_PresentMatch:
		m.kind, m.present = hdrPresent, s.PresentMatch
	case *routev3.HeaderMatcher_StringMatch:
		m.str = compileStringMatcher(probs, joinPath(path, "string_match"), s.StringMatch)
	case *routev3.HeaderMatcher_RangeMatch:
		m.kind, m.start, m.end = hdrRange, s.RangeMatch.GetStart(), s.RangeMatch.GetEnd()
		if m.start >= m.end {
			probs.addf(joinPath(path, "range_match"), "start %d must be less than end %d", m.start, m.end)
		}
	case *routev3.HeaderMatcher_ExactMatch:
		if s.ExactMatch == "" {
			m.kind = hdrAnyValue
			return
		}
		m.str = stringMatcher{kind: strExact, value: s.ExactMatch}
	case *routev3.HeaderMatcher_SafeRegexMatch:
		re := compileRegex(probs, joinPath(path, "safe_regex_match"), s.SafeRegexMatch, true)
		m.str = stringMatcher{kind: strRegex, re: re}
	case *routev3.HeaderMatcher_PrefixMatch:
		literal(strPrefix, "prefix_match", s.PrefixMatch)
	case *routev3.HeaderMatcher_SuffixMatch:
		literal(strSuffix, "suffix_match", s.SuffixMatch)
	case *routev3.HeaderMatcher_ContainsMatch:
		literal(strContains, "contains_match", s.ContainsMatch)
	}
}

// parseInt64 parses a decimal integer the way Envoy's range_match does (absl::SimpleAtoi):
// optional ASCII white space around an optional sign and at least one digit. It does not allocate.
func parseInt64(b []byte) (int64, bool) {
	b = trimSpace(b)
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	const limit = 1 << 63 // magnitude of math.MinInt64
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (limit-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		return -int64(n), true // n == 1<<63 wraps to MinInt64, as intended
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// trimSpace trims ASCII white space from both ends of b.
func trimSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
