package route

import (
	"regexp"
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// pathKind is the path specifier of a RouteMatch.
type pathKind uint8

const (
	pathPrefix    pathKind = iota // prefix
	pathExact                     // path
	pathRegex                     // safe_regex
	pathSeparated                 // path_separated_prefix
)

// routeMatch is a compiled envoy.config.route.v3.RouteMatch.
type routeMatch struct {
	kind    pathKind
	value   string // the prefix or path; lower-cased when fold is set
	fold    bool   // case_sensitive: false (never for safe_regex, where Envoy ignores it)
	re      *regexp.Regexp
	headers []headerMatcher
	query   []queryMatcher
}

// matches reports whether a request with the given path (Request.Path) matches: the path
// specifier, then every header matcher, then every query parameter matcher. It does not allocate
// except inside regexp.
func (m *routeMatch) matches(r Request, path []byte) bool {
	if !m.matchPath(path) {
		return false
	}
	for i := range m.headers {
		if !m.headers[i].matches(r) {
			return false
		}
	}
	if len(m.query) == 0 {
		return true
	}
	query := r.Query()
	for i := range m.query {
		if !m.query[i].matches(query) {
			return false
		}
	}
	return true
}

// matchPath applies the path specifier.
func (m *routeMatch) matchPath(path []byte) bool {
	switch m.kind {
	case pathPrefix:
		return matcher.HasPrefix(path, m.value, m.fold)
	case pathExact:
		return matcher.Equal(path, m.value, m.fold)
	case pathRegex:
		return m.re.Match(path)
	case pathSeparated:
		return matcher.HasPrefix(path, m.value, m.fold) && (len(path) == len(m.value) || path[len(m.value)] == '/')
	}
	return false
}

// prefixLen is how many leading bytes of a matched path prefix_rewrite replaces: the prefix for
// prefix and path_separated_prefix routes, the whole path (-1) for path and safe_regex routes.
func (m *routeMatch) prefixLen() int {
	if m.kind == pathPrefix || m.kind == pathSeparated {
		return len(m.value)
	}
	return -1
}

// compileRouteMatch compiles the RouteMatch at path.
func compileRouteMatch(probs *problems, path string, rm *routev3.RouteMatch) routeMatch {
	m := routeMatch{fold: rm.GetCaseSensitive() != nil && !rm.GetCaseSensitive().GetValue()}
	switch p := rm.GetPathSpecifier().(type) {
	case *routev3.RouteMatch_Prefix:
		m.kind, m.value = pathPrefix, p.Prefix
	case *routev3.RouteMatch_Path:
		m.kind, m.value = pathExact, p.Path
	case *routev3.RouteMatch_SafeRegex:
		m.kind, m.fold = pathRegex, false
		m.re = matcher.CompileRegex(probs, joinPath(path, "safe_regex"), p.SafeRegex, true)
	case *routev3.RouteMatch_PathSeparatedPrefix:
		m.kind, m.value = pathSeparated, p.PathSeparatedPrefix
		checkSeparatedPrefix(probs, joinPath(path, "path_separated_prefix"), m.value)
	default:
		probs.Addf(path, "one of prefix, path, safe_regex or path_separated_prefix is required")
	}
	if m.fold {
		m.value = matcher.LowerString(m.value)
	}
	m.headers = compileHeaderMatchers(probs, joinPath(path, "headers"), rm.GetHeaders())
	m.query = compileQueryMatchers(probs, joinPath(path, "query_parameters"), rm.GetQueryParameters())
	return m
}

// checkSeparatedPrefix applies Envoy's rule for path_separated_prefix: not empty, no '?' or '#',
// and no trailing '/'.
func checkSeparatedPrefix(probs *problems, path, v string) {
	switch {
	case v == "":
		probs.Addf(path, "must not be empty")
	case strings.ContainsAny(v, "?#"):
		probs.Addf(path, "%q must not contain '?' or '#'", v)
	case strings.HasSuffix(v, "/"):
		probs.Addf(path, "%q must not end with '/'", v)
	}
}
