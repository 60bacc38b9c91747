package route

import (
	"slices"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// DefaultMaxDirectResponseBody is Envoy's default max_direct_response_body_size_bytes.
const DefaultMaxDirectResponseBody = 4096

// Action is what a route does with the requests it matches.
type Action uint8

const (
	// ActionForward forwards the request to an upstream cluster (Route.Forward).
	ActionForward Action = iota
	// ActionRedirect answers with a redirect (Route.Redirect).
	ActionRedirect
	// ActionDirectResponse answers with a fixed response (Route.DirectResponse).
	ActionDirectResponse
)

// String returns Envoy's name for the action field.
func (a Action) String() string {
	switch a {
	case ActionForward:
		return "route"
	case ActionRedirect:
		return "redirect"
	case ActionDirectResponse:
		return "direct_response"
	}
	return "Action(?)"
}

// Route is one compiled route of a virtual host. It is immutable and safe for concurrent use.
type Route struct {
	// Name is the route's name; may be empty.
	Name string
	// Action says which one of Forward, Redirect and DirectResponse is set.
	Action Action
	// Forward is the route action for ActionForward, else nil.
	Forward *Forward
	// Redirect is the redirect for ActionRedirect, else nil.
	Redirect *Redirect
	// DirectResponse is the fixed response for ActionDirectResponse, else nil.
	DirectResponse *DirectResponse
	// RequestHeaders are the request header mutations of the route, its virtual host and the route
	// configuration, in evaluation order; applied before the request goes upstream.
	RequestHeaders HeaderMutations
	// ResponseHeaders are the response header mutations in evaluation order; applied to every
	// response of the route, redirects and direct responses included.
	ResponseHeaders HeaderMutations

	match routeMatch
}

// DirectResponse is a compiled direct_response action.
type DirectResponse struct {
	// Status is the response status (200 to 599).
	Status int
	// Body is the response body (inline_string or inline_bytes); may be empty. Do not modify it.
	Body []byte
}

// PickCluster returns the upstream cluster for a request matched by a forwarding route: Cluster,
// the value of ClusterHeader ("" when the request lacks it), or a weighted pick with rnd, a
// uniformly random number. It returns "" for routes that do not forward.
//
// It does not allocate except for ClusterHeader routes, where the header value is copied into the
// returned string; routers that want to avoid that can read Forward.ClusterHeader themselves.
func (r *Route) PickCluster(rnd uint32, req Request) string {
	f := r.Forward
	switch {
	case f == nil:
		return ""
	case f.Cluster != "":
		return f.Cluster
	case f.ClusterHeader != "":
		v, _ := req.Header(f.ClusterHeader)
		return string(v)
	}
	return f.pick(rnd)
}

// RewritePath appends the upstream path for a request with the given path (Request.Path, without
// the query) to dst and returns it with true, when the route has a prefix_rewrite or regex_rewrite.
// prefix_rewrite replaces the matched prefix (the whole path for path and safe_regex matches);
// regex_rewrite replaces every match of its pattern. The caller appends the query. Without a
// rewrite it returns dst unchanged and false.
//
// path must be the one the route matched. prefix_rewrite does not allocate beyond growing dst;
// regex_rewrite allocates inside regexp.
func (r *Route) RewritePath(dst, path []byte) ([]byte, bool) {
	if r.Forward == nil {
		return dst, false
	}
	return r.Forward.rewrite.apply(dst, path)
}

// routeContext carries what compiling a route needs from its virtual host and configuration.
type routeContext struct {
	vhostRetry *RetryPolicy
	maxBody    uint32
	// levels returns the header mutation levels for a route's own level, in evaluation order.
	levels func(own *HeaderMutation, response bool) HeaderMutations
}

// compileRoute compiles the Route at path.
func compileRoute(probs *problems, path string, rt *routev3.Route, ctx *routeContext) *Route {
	r := &Route{Name: rt.GetName()}
	if rt.GetMatch() == nil {
		probs.Addf(joinPath(path, "match"), "required")
	} else {
		r.match = compileRouteMatch(probs, joinPath(path, "match"), rt.GetMatch())
	}
	switch a := rt.GetAction().(type) {
	case *routev3.Route_Route:
		r.Action = ActionForward
		r.Forward = compileForward(probs, joinPath(path, "route"), a.Route, &r.match, ctx.vhostRetry)
	case *routev3.Route_Redirect:
		r.Action = ActionRedirect
		r.Redirect = compileRedirect(probs, joinPath(path, "redirect"), a.Redirect, &r.match)
	case *routev3.Route_DirectResponse:
		r.Action = ActionDirectResponse
		r.DirectResponse = compileDirectResponse(probs, joinPath(path, "direct_response"), a.DirectResponse, ctx.maxBody)
	default:
		probs.Addf(path, "one of route, redirect or direct_response is required")
	}
	req := compileHeaderMutation(probs, joinPath(path, "request_headers_to_add"), joinPath(path, "request_headers_to_remove"),
		rt.GetRequestHeadersToAdd(), rt.GetRequestHeadersToRemove())
	resp := compileHeaderMutation(probs, joinPath(path, "response_headers_to_add"), joinPath(path, "response_headers_to_remove"),
		rt.GetResponseHeadersToAdd(), rt.GetResponseHeadersToRemove())
	r.RequestHeaders, r.ResponseHeaders = ctx.levels(req, false), ctx.levels(resp, true)
	return r
}

// compileDirectResponse compiles the DirectResponseAction at path.
func compileDirectResponse(probs *problems, path string, dr *routev3.DirectResponseAction, maxBody uint32) *DirectResponse {
	out := &DirectResponse{Status: int(dr.GetStatus())}
	if out.Status < 200 || out.Status > 599 {
		probs.Addf(joinPath(path, "status"), "%d is not in 200..599", dr.GetStatus())
	}
	body := dr.GetBody()
	switch {
	case body == nil:
	case body.GetInlineString() != "":
		out.Body = []byte(body.GetInlineString())
	default:
		out.Body = slices.Clone(body.GetInlineBytes())
	}
	if uint64(len(out.Body)) > uint64(maxBody) {
		probs.Addf(joinPath(path, "body"), "%d bytes, more than max_direct_response_body_size_bytes %d", len(out.Body), maxBody)
	}
	return out
}
