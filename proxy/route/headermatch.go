package route

import (
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// headerSource says where a header matcher reads its value.
type headerSource uint8

const (
	srcHeader    headerSource = iota // Request.Header
	srcMethod                        // ":method": Request.Method
	srcAuthority                     // ":authority": Request.Authority
)

// headerMatcher is a compiled envoy.config.route.v3.HeaderMatcher over a request's headers.
type headerMatcher struct {
	name string // lower-case
	src  headerSource
	m    matcher.Header
}

// matches evaluates the matcher on r (see matcher.Header.Match).
func (m *headerMatcher) matches(r Request) bool {
	v, ok := m.value(r)
	return m.m.Match(v, ok)
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

// compileHeaderMatchers compiles the headers of a RouteMatch at path. Header names compare
// case-insensitively; ":method" and ":authority" read the request line and host.
func compileHeaderMatchers(probs *problems, path string, hms []*routev3.HeaderMatcher) []headerMatcher {
	compiled := matcher.CompileHeaders(probs, path, hms)
	out := make([]headerMatcher, len(compiled))
	for i, c := range compiled {
		out[i] = headerMatcher{name: matcher.LowerString(c.Name), m: c}
		switch out[i].name {
		case ":method":
			out[i].src = srcMethod
		case ":authority":
			out[i].src = srcAuthority
		}
	}
	return out
}
