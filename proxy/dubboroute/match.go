package dubboroute

import (
	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// routeMatch is a compiled RouteMatch.
type routeMatch struct {
	method    *matcher.String  // nil: any method
	params    []paramMatcher   // by argument index
	attachers []matcher.Header // HeaderMatchers over attachments, by case-sensitive key
}

// matches reports whether r matches: method name, then attachments, then arguments (the most
// expensive to read last).
func (m *routeMatch) matches(r Request) bool {
	if m.method != nil && !m.method.Match(r.Method()) {
		return false
	}
	for i := range m.attachers {
		if a := &m.attachers[i]; !a.Match(r.Attachment(a.Name)) {
			return false
		}
	}
	for i := range m.params {
		p := &m.params[i]
		v, ok := r.Argument(p.index)
		if !ok || !p.matches(v) {
			return false
		}
	}
	return true
}

// compileMatch compiles the RouteMatch at path.
func compileMatch(probs *problems, path string, rm *dubbov3.RouteMatch) routeMatch {
	var m routeMatch
	if rm == nil {
		probs.Addf(path, "required")
		return m
	}
	if mm := rm.GetMethod(); mm != nil {
		mpath := joinPath(path, "method")
		if mm.GetName() != nil {
			sm := matcher.CompileString(probs, joinPath(mpath, "name"), mm.GetName())
			m.method = &sm
		}
		m.params = compileParams(probs, joinPath(mpath, "params_match"), mm.GetParamsMatch())
	}
	m.attachers = matcher.CompileHeaders(probs, joinPath(path, "headers"), rm.GetHeaders())
	return m
}
