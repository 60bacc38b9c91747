package route

import (
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// VirtualHost is one compiled virtual host of a Table. It is immutable and safe for concurrent use.
type VirtualHost struct {
	// Name is the virtual host's name.
	Name string
	// Domains are its domains in lower case, in config order.
	Domains []string
	// Routes are its routes in config order; the first that matches a request wins.
	Routes []*Route
}

// Match returns the first route of the virtual host that matches r, or nil (Envoy's
// route_not_found: answer 404). It does not allocate except inside regexp (safe_regex matchers).
func (v *VirtualHost) Match(r Request) *Route {
	path := r.Path()
	for _, rt := range v.Routes {
		if rt.match.matches(r, path) {
			return rt
		}
	}
	return nil
}

// configLevel is what routes inherit from the route configuration.
type configLevel struct {
	request, response *HeaderMutation
	mostSpecificWins  bool
	maxBody           uint32
}

// order returns the non-nil header mutation levels in evaluation order: route, virtual host,
// route configuration; reversed when the most specific level wins.
func (c *configLevel) order(route, vhost, config *HeaderMutation) HeaderMutations {
	levels := [3]*HeaderMutation{route, vhost, config}
	if c.mostSpecificWins {
		levels = [3]*HeaderMutation{config, vhost, route}
	}
	var out HeaderMutations
	for _, m := range levels {
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

// compileVirtualHost compiles the VirtualHost at path and enters its domains into idx.
func compileVirtualHost(probs *problems, path string, vh *routev3.VirtualHost, cfg *configLevel, idx *domainIndex) *VirtualHost {
	v := &VirtualHost{Name: probs.NonEmpty(joinPath(path, "name"), vh.GetName())}
	vhostDomains(probs, joinPath(path, "domains"), vh.GetDomains(), v, idx)
	req := compileHeaderMutation(probs, joinPath(path, "request_headers_to_add"), joinPath(path, "request_headers_to_remove"),
		vh.GetRequestHeadersToAdd(), vh.GetRequestHeadersToRemove())
	resp := compileHeaderMutation(probs, joinPath(path, "response_headers_to_add"), joinPath(path, "response_headers_to_remove"),
		vh.GetResponseHeadersToAdd(), vh.GetResponseHeadersToRemove())
	ctx := &routeContext{
		maxBody: cfg.maxBody,
		levels: func(own *HeaderMutation, response bool) HeaderMutations {
			if response {
				return cfg.order(own, resp, cfg.response)
			}
			return cfg.order(own, req, cfg.request)
		},
	}
	if rp := vh.GetRetryPolicy(); rp != nil {
		ctx.vhostRetry = compileRetryPolicy(probs, joinPath(path, "retry_policy"), rp)
	}
	for i, rt := range vh.GetRoutes() {
		v.Routes = append(v.Routes, compileRoute(probs, index(joinPath(path, "routes"), i), rt, ctx))
	}
	return v
}

// vhostDomains lower-cases the domains of v and enters them into the index.
func vhostDomains(probs *problems, path string, domains []string, v *VirtualHost, idx *domainIndex) {
	if len(domains) == 0 {
		probs.Addf(path, "at least one domain is required")
	}
	for i, d := range domains {
		d = matcher.LowerString(d)
		v.Domains = append(v.Domains, d)
		if err := idx.add(d, v); err != nil {
			probs.Add(index(path, i), err)
		}
	}
}
