package matcher

import (
	"math"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

// headerKind is the kind of a compiled HeaderMatcher.
type headerKind uint8

const (
	hdrString   headerKind = iota // string_match and the deprecated *_match strings
	hdrPresent                    // present_match, or no specifier at all
	hdrRange                      // range_match
	hdrAnyValue                   // the deprecated exact_match "" (Envoy: any value matches)
)

// Header is a compiled envoy.config.route.v3.HeaderMatcher. It matches a value the caller looks
// up by Name (HTTP headers, Dubbo attachments), so the caller decides how names compare.
type Header struct {
	// Name is the configured name, as it is.
	Name string

	kind         headerKind
	str          String
	present      bool  // present_match
	start, end   int64 // range_match: [start, end)
	invert       bool  // invert_match
	missingEmpty bool  // treat_missing_header_as_empty
}

// Match evaluates the matcher on value v, ok is false when the header is missing. It follows
// Envoy's HeaderUtility::matchHeaders: a missing header fails every matcher (inverted or not)
// except a presence matcher, unless treat_missing_header_as_empty makes it an empty value. It
// does not allocate except inside regexp.
func (m *Header) Match(v []byte, ok bool) bool {
	if !ok && !m.missingEmpty {
		return m.kind == hdrPresent && m.present == m.invert
	}
	var match bool
	switch m.kind {
	case hdrString:
		match = m.str.Match(v)
	case hdrPresent:
		match = m.present
	case hdrRange:
		n, ok := ParseInt64(v)
		match = ok && n >= m.start && n < m.end
	case hdrAnyValue:
		match = true
	}
	return match != m.invert
}

// CompileHeaders compiles a list of HeaderMatchers at path (the headers of a RouteMatch).
func CompileHeaders(probs *fieldcheck.Problems, path string, hms []*routev3.HeaderMatcher) []Header {
	out := make([]Header, 0, len(hms))
	for i, hm := range hms {
		out = append(out, CompileHeader(probs, fieldcheck.Index(path, i), hm))
	}
	return out
}

// CompileHeader compiles one HeaderMatcher at path. The name is required.
func CompileHeader(probs *fieldcheck.Problems, path string, hm *routev3.HeaderMatcher) Header {
	m := Header{
		Name:         hm.GetName(),
		invert:       hm.GetInvertMatch(),
		missingEmpty: hm.GetTreatMissingHeaderAsEmpty(),
	}
	if m.Name == "" {
		probs.Addf(fieldcheck.Join(path, "name"), "required")
	}
	m.specifier(probs, path, hm)
	return m
}

// specifier fills in the kind of m from the header_match_specifier oneof.
func (m *Header) specifier(probs *fieldcheck.Problems, path string, hm *routev3.HeaderMatcher) {
	switch s := hm.GetHeaderMatchSpecifier().(type) {
	case nil:
		m.kind, m.present = hdrPresent, true
	case *routev3.HeaderMatcher_PresentMatch:
		m.kind, m.present = hdrPresent, s.PresentMatch
	case *routev3.HeaderMatcher_StringMatch:
		m.str = CompileString(probs, fieldcheck.Join(path, "string_match"), s.StringMatch)
	case *routev3.HeaderMatcher_RangeMatch:
		m.kind, m.start, m.end = hdrRange, s.RangeMatch.GetStart(), s.RangeMatch.GetEnd()
		if m.start >= m.end {
			probs.Addf(fieldcheck.Join(path, "range_match"), "start %d must be less than end %d", m.start, m.end)
		}
	case *routev3.HeaderMatcher_ExactMatch:
		if s.ExactMatch == "" {
			m.kind = hdrAnyValue
			return
		}
		m.str = String{kind: strExact, value: s.ExactMatch}
	case *routev3.HeaderMatcher_SafeRegexMatch:
		re := CompileRegex(probs, fieldcheck.Join(path, "safe_regex_match"), s.SafeRegexMatch, true)
		m.str = String{kind: strRegex, re: re}
	case *routev3.HeaderMatcher_PrefixMatch:
		m.str = literal(probs, fieldcheck.Join(path, "prefix_match"), strPrefix, s.PrefixMatch)
	case *routev3.HeaderMatcher_SuffixMatch:
		m.str = literal(probs, fieldcheck.Join(path, "suffix_match"), strSuffix, s.SuffixMatch)
	case *routev3.HeaderMatcher_ContainsMatch:
		m.str = literal(probs, fieldcheck.Join(path, "contains_match"), strContains, s.ContainsMatch)
	}
}

// ParseInt64 parses a decimal integer the way Envoy's range matching does (absl::SimpleAtoi):
// optional ASCII white space around an optional sign and at least one digit. It does not allocate.
func ParseInt64[T ~string | ~[]byte](b T) (int64, bool) {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
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
	for i := range len(b) {
		c := b[i]
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

// isSpace reports whether c is ASCII white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
