package route

import (
	"bytes"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// queryKind is the kind of a compiled QueryParameterMatcher.
type queryKind uint8

const (
	queryPresent queryKind = iota // present_match: true, or no specifier
	queryAbsent                   // present_match: false
	queryString                   // string_match
)

// queryMatcher is a compiled envoy.config.route.v3.QueryParameterMatcher.
type queryMatcher struct {
	name string
	kind queryKind
	str  matcher.String
}

// matches evaluates the matcher against a raw query string as Envoy does: only the first
// parameter with the name counts, names and values are compared as they appear (not
// percent-decoded), and present_match: false requires the parameter to be absent (Envoy's
// enable_new_query_param_present_match_behavior).
func (m *queryMatcher) matches(query []byte) bool {
	v, ok := queryValue(query, m.name)
	switch m.kind {
	case queryPresent:
		return ok
	case queryAbsent:
		return !ok
	}
	return ok && m.str.Match(v)
}

// queryValue returns the value of the first parameter called name in a raw query string. A
// parameter without '=' has the empty value. It does not allocate.
func queryValue(query []byte, name string) ([]byte, bool) {
	for len(query) > 0 {
		param := query
		if i := bytes.IndexByte(query, '&'); i >= 0 {
			param, query = query[:i], query[i+1:]
		} else {
			query = nil
		}
		key, value := param, param[len(param):]
		if i := bytes.IndexByte(param, '='); i >= 0 {
			key, value = param[:i], param[i+1:]
		}
		if string(key) == name {
			return value, true
		}
	}
	return nil, false
}

// compileQueryMatchers compiles the query_parameters of a RouteMatch at path.
func compileQueryMatchers(probs *problems, path string, qms []*routev3.QueryParameterMatcher) []queryMatcher {
	out := make([]queryMatcher, 0, len(qms))
	for i, qm := range qms {
		qpath := index(path, i)
		m := queryMatcher{name: probs.NonEmpty(joinPath(qpath, "name"), qm.GetName())}
		switch s := qm.GetQueryParameterMatchSpecifier().(type) {
		case *routev3.QueryParameterMatcher_StringMatch:
			m.kind = queryString
			m.str = matcher.CompileString(probs, joinPath(qpath, "string_match"), s.StringMatch)
		case *routev3.QueryParameterMatcher_PresentMatch:
			if !s.PresentMatch {
				m.kind = queryAbsent
			}
		}
		out = append(out, m)
	}
	return out
}
