package dubboroute

import (
	"strconv"
	"strings"

	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
)

// ifaceKind is how a route configuration's interface matches.
type ifaceKind uint8

const (
	ifaceExact  ifaceKind = iota // no wildcard
	ifaceAny                     // "*"
	ifacePrefix                  // "com.foo.*"
	ifaceSuffix                  // "*.foo.Bar"
)

// service is a compiled RouteConfiguration: which requests it applies to and its routes.
type service struct {
	kind    ifaceKind
	iface   string // the literal part of the interface
	group   string // empty: any group
	version string // empty: any version
	routes  []*Route
}

// applies reports whether the route configuration applies to r (interface, group, version).
func (s *service) applies(r Request) bool {
	if !s.ifaceMatches(r.Interface()) {
		return false
	}
	if s.version != "" && string(r.Version()) != s.version {
		return false
	}
	if s.group != "" {
		g, ok := r.Group()
		if !ok || string(g) != s.group {
			return false
		}
	}
	return true
}

// ifaceMatches reports whether the interface matches; a wildcard never matches the empty string.
func (s *service) ifaceMatches(v []byte) bool {
	switch s.kind {
	case ifaceAny:
		return true
	case ifacePrefix:
		return len(v) > len(s.iface) && string(v[:len(s.iface)]) == s.iface
	case ifaceSuffix:
		return len(v) > len(s.iface) && string(v[len(v)-len(s.iface):]) == s.iface
	}
	return string(v) == s.iface
}

// route returns the first route of the configuration that matches r, or nil.
func (s *service) route(r Request) *Route {
	for _, rt := range s.routes {
		if rt.match.matches(r) {
			return rt
		}
	}
	return nil
}

// compileService compiles one RouteConfiguration (its fields are at the root of probs' paths).
func compileService(probs *problems, rc *dubbov3.RouteConfiguration) *service {
	s := &service{group: rc.GetGroup(), version: rc.GetVersion()}
	compileInterface(probs, rc.GetInterface(), s)
	for i, r := range rc.GetRoutes() {
		path := index("routes", i)
		rt := &Route{Name: rc.GetName() + "/" + strconv.Itoa(i)}
		rt.match = compileMatch(probs, joinPath(path, "match"), r.GetMatch())
		compileAction(probs, joinPath(path, "route"), r.GetRoute(), rt)
		s.routes = append(s.routes, rt)
	}
	return s
}

// compileInterface reads the interface: exact, "*", or one leading or trailing '*'.
func compileInterface(probs *problems, iface string, s *service) {
	switch {
	case iface == "":
		probs.Addf("interface", "required")
	case iface == "*":
		s.kind = ifaceAny
	case strings.Count(iface, "*") > 1:
		probs.Addf("interface", "%q: only one leading or trailing '*' is supported", iface)
	case iface[0] == '*':
		s.kind, s.iface = ifaceSuffix, iface[1:]
	case iface[len(iface)-1] == '*':
		s.kind, s.iface = ifacePrefix, iface[:len(iface)-1]
	case strings.Contains(iface, "*"):
		probs.Addf("interface", "%q: only a leading or trailing '*' is supported", iface)
	default:
		s.iface = iface
	}
}
