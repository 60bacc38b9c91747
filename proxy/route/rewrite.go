package route

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// RegexRewrite is a compiled regex_rewrite (RegexMatchAndSubstitute): every match of Pattern in
// the path is replaced by Substitution, in which \0 to \9 name capture groups and \\ is a
// backslash (RE2's GlobalReplace, as in Envoy).
type RegexRewrite struct {
	// Pattern is the regular expression as configured (RE2 syntax, run by Go's regexp).
	Pattern string
	// Substitution is the replacement as configured.
	Substitution string

	re       *regexp.Regexp
	template []byte // Substitution in regexp.Expand syntax
}

// appendReplaceAll appends src with every match replaced to dst. Matching allocates (regexp's
// FindAllSubmatchIndex); the output goes to dst.
func (x *RegexRewrite) appendReplaceAll(dst, src []byte) []byte {
	last := 0
	for _, m := range x.re.FindAllSubmatchIndex(src, -1) {
		dst = append(dst, src[last:m[0]]...)
		dst = x.re.Expand(dst, x.template, src, m)
		last = m[1]
	}
	return append(dst, src[last:]...)
}

// compileRegexRewrite compiles the RegexMatchAndSubstitute at path; nil after an error.
func compileRegexRewrite(probs *problems, path string, rs *matcherv3.RegexMatchAndSubstitute) *RegexRewrite {
	if rs.GetPattern() == nil {
		probs.Addf(joinPath(path, "pattern"), "required")
		return nil
	}
	re := matcher.CompileRegex(probs, joinPath(path, "pattern"), rs.GetPattern(), false)
	if re == nil {
		return nil
	}
	tmpl, err := expandTemplate(rs.GetSubstitution(), re.NumSubexp())
	if err != nil {
		probs.Addf(joinPath(path, "substitution"), "%v", err)
		return nil
	}
	return &RegexRewrite{Pattern: rs.GetPattern().GetRegex(), Substitution: rs.GetSubstitution(), re: re, template: tmpl}
}

// expandTemplate converts an RE2 rewrite string (\N for group N, \\ for a backslash) into a
// regexp.Expand template (${N}, with '$' escaped as "$$"). A group beyond groups, a trailing
// backslash and any other escape are errors, as in RE2::CheckRewriteString.
func expandTemplate(sub string, groups int) ([]byte, error) {
	var b strings.Builder
	for i := 0; i < len(sub); i++ {
		c := sub[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c != '\\':
			b.WriteByte(c)
		case i+1 == len(sub):
			return nil, fmt.Errorf("%q ends with a lone backslash", sub)
		case sub[i+1] == '\\':
			b.WriteByte('\\')
			i++
		case sub[i+1] >= '0' && sub[i+1] <= '9':
			n := int(sub[i+1] - '0')
			if n > groups {
				return nil, fmt.Errorf("%q refers to group %d but the pattern has %d", sub, n, groups)
			}
			b.WriteString("${" + strconv.Itoa(n) + "}")
			i++
		default:
			return nil, fmt.Errorf(`%q has an invalid escape \%c (use \0 to \9 or \\)`, sub, sub[i+1])
		}
	}
	return []byte(b.String()), nil
}

// pathRewrite is the path rewrite of a forwarding route or a redirect: prefix_rewrite or
// regex_rewrite (at most one is set).
type pathRewrite struct {
	prefix    string // prefix_rewrite
	hasPrefix bool   // prefix_rewrite is not empty (Envoy treats "" as not set)
	prefixLen int    // bytes of the path prefix_rewrite replaces; -1: the whole path
	regex     *RegexRewrite
}

// apply appends the rewritten path to dst. path must be the path the route matched (without the
// query); prefix_rewrite replaces the matched prefix, or the whole path for path and safe_regex
// routes, and regex_rewrite replaces every match in the path. Without a rewrite it returns dst
// unchanged and false.
func (p *pathRewrite) apply(dst, path []byte) ([]byte, bool) {
	switch {
	case p.hasPrefix:
		n := p.prefixLen
		if n < 0 || n > len(path) {
			n = len(path)
		}
		dst = append(dst, p.prefix...)
		return append(dst, path[n:]...), true
	case p.regex != nil:
		return p.regex.appendReplaceAll(dst, path), true
	}
	return dst, false
}

// compilePathRewrite reads prefix_rewrite and regex_rewrite of a route action or redirect (fields
// at base) for a route whose match is m.
func compilePathRewrite(probs *problems, base string, m *routeMatch, prefix string, regex *matcherv3.RegexMatchAndSubstitute) pathRewrite {
	p := pathRewrite{prefix: prefix, hasPrefix: prefix != "", prefixLen: m.prefixLen()}
	if regex != nil {
		p.regex = compileRegexRewrite(probs, joinPath(base, "regex_rewrite"), regex)
	}
	if p.hasPrefix && regex != nil {
		probs.Addf(base, "prefix_rewrite and regex_rewrite are mutually exclusive")
	}
	return p
}
