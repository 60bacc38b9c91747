package route

import (
	"errors"
	"slices"
	"strconv"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// Table is a compiled RouteConfiguration: the virtual hosts and routes the HTTP connection
// manager consults for every request. It is immutable and safe for concurrent use; a new
// configuration compiles into a new Table that replaces the old one as a whole.
type Table struct {
	// Name is the route configuration's name.
	Name string
	// VirtualHosts are the virtual hosts in config order.
	VirtualHosts []*VirtualHost
	// ValidateClusters is validate_clusters when set, else nil: whether the clusters the routes
	// name (Clusters) must exist. Envoy's default is true for a route_config inline in the
	// connection manager and false for RDS; the caller applies it.
	ValidateClusters *bool
	// Warnings are accepted-but-ignored fields (tracing, decorators), one line each.
	Warnings []string
	// Source is the configuration the table was compiled from. Do not modify it.
	Source *routev3.RouteConfiguration

	domains domainIndex
}

// Compile checks every set field of rc against what Skiff implements and compiles it into a
// Table. All problems found are returned together (errors.Join of *FieldError); a set field that
// Skiff does not implement is an error naming its path and wrapping ErrUnsupported.
func Compile(rc *routev3.RouteConfiguration) (*Table, error) {
	if rc == nil {
		return nil, errors.New("route: compile: nil route configuration")
	}
	probs := newProblems("route_config " + strconv.Quote(rc.GetName()))
	warnings := checkFields(rc, probs)
	if len(probs.Errs()) > 0 {
		return nil, probs.Err()
	}
	t := &Table{Name: rc.GetName(), Warnings: warnings, Source: rc}
	if b := rc.GetValidateClusters(); b != nil {
		v := b.GetValue()
		t.ValidateClusters = &v
	}
	t.domains = domainIndex{
		exact:      make(map[string]*VirtualHost),
		ignorePort: rc.GetIgnorePortInHostMatching(),
		header:     matcher.LowerString(rc.GetVhostHeader()),
	}
	cfg := configBase(probs, rc)
	for i, vh := range rc.GetVirtualHosts() {
		t.VirtualHosts = append(t.VirtualHosts, compileVirtualHost(probs, index("virtual_hosts", i), vh, cfg, &t.domains))
	}
	if len(probs.Errs()) == 0 {
		if err := rc.Validate(); err != nil {
			probs.Add("", err)
		}
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// configBase reads the route-configuration-wide settings that routes inherit.
func configBase(probs *problems, rc *routev3.RouteConfiguration) *configLevel {
	cfg := &configLevel{mostSpecificWins: rc.GetMostSpecificHeaderMutationsWins(), maxBody: DefaultMaxDirectResponseBody}
	if v := rc.GetMaxDirectResponseBodySizeBytes(); v != nil {
		cfg.maxBody = v.GetValue()
	}
	cfg.request = compileHeaderMutation(probs, "request_headers_to_add", "request_headers_to_remove",
		rc.GetRequestHeadersToAdd(), rc.GetRequestHeadersToRemove())
	cfg.response = compileHeaderMutation(probs, "response_headers_to_add", "response_headers_to_remove",
		rc.GetResponseHeadersToAdd(), rc.GetResponseHeadersToRemove())
	return cfg
}

// Match returns the virtual host and route for a request. The virtual host is nil when no domain
// matches; the route is nil when no domain or no route matches (Envoy answers 404 then).
//
// Match does not allocate for requests that match through exact, prefix, path,
// path_separated_prefix, header and query parameter matchers; safe_regex matchers run Go's
// regexp (see the package documentation). It is safe for concurrent use.
func (t *Table) Match(r Request) (*VirtualHost, *Route) {
	v := t.domains.find(r)
	if v == nil {
		return nil, nil
	}
	return v, v.Match(r)
}

// VirtualHost returns the virtual host for a request, or nil; see Match.
func (t *Table) VirtualHost(r Request) *VirtualHost { return t.domains.find(r) }

// Clusters returns the names of the clusters the table's routes name in `cluster` and
// `weighted_clusters`, sorted and without duplicates (clusters named by cluster_header are only
// known per request).
func (t *Table) Clusters() []string {
	var names []string
	for _, v := range t.VirtualHosts {
		for _, r := range v.Routes {
			if f := r.Forward; f != nil {
				if f.Cluster != "" {
					names = append(names, f.Cluster)
				}
				for _, c := range f.WeightedClusters {
					names = append(names, c.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
