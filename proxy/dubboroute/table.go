package dubboroute

import (
	"errors"
	"slices"

	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
)

// Table is a compiled list of Dubbo route configurations (route_config, or
// multiple_route_config.route_config, of a dubbo_proxy filter). It is immutable and safe for
// concurrent use.
type Table struct {
	services []*service
	// exact maps an exact interface to the positions in services of the route configurations
	// naming it, ascending; wild lists the positions of the wildcard ones, ascending.
	exact       map[string][]int
	wild        []int
	needsArgs   bool
	needsAttach bool
}

// Check checks every set field of rcs against what Skiff implements and validates the values,
// without keeping the result. All problems found are returned together (errors.Join of
// *FieldError); a set field that Skiff does not implement is an error naming its path and
// wrapping ErrUnsupported.
func Check(rcs []*dubbov3.RouteConfiguration) error {
	_, err := Compile(rcs)
	return err
}

// Compile checks rcs like Check and compiles them into a Table.
func Compile(rcs []*dubbov3.RouteConfiguration) (*Table, error) {
	t := &Table{exact: make(map[string][]int)}
	var errs []error
	for i, rc := range rcs {
		probs := newProblems(i)
		if rc == nil {
			probs.Addf("", "missing")
			errs = append(errs, probs.Errs()...)
			continue
		}
		if checkFields(rc, probs); len(probs.Errs()) == 0 {
			t.add(compileService(probs, rc))
		}
		if len(probs.Errs()) == 0 {
			if err := rc.Validate(); err != nil {
				probs.Add("", err)
			}
		}
		errs = append(errs, probs.Errs()...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// add appends the compiled route configuration s to the table.
func (t *Table) add(s *service) {
	t.services = append(t.services, s)
	pos := len(t.services) - 1
	if s.kind == ifaceExact {
		t.exact[s.iface] = append(t.exact[s.iface], pos)
	} else {
		t.wild = append(t.wild, pos)
	}
	if s.group != "" {
		t.needsAttach = true
	}
	for _, r := range s.routes {
		t.needsArgs = t.needsArgs || len(r.match.params) > 0
		t.needsAttach = t.needsAttach || len(r.match.attachers) > 0
	}
}

// Match returns the route for a request, or nil when none matches (Envoy answers the request
// with an error response then). The route configurations that apply to the request (interface,
// group and version) are tried in config order, and within each its routes in order; the first
// route that matches wins. It does not allocate except as the package documentation says.
func (t *Table) Match(r Request) *Route {
	exact := t.exact[string(r.Interface())]
	wild := t.wild
	for len(exact) > 0 || len(wild) > 0 {
		var pos int
		if len(wild) == 0 || (len(exact) > 0 && exact[0] < wild[0]) {
			pos, exact = exact[0], exact[1:]
		} else {
			pos, wild = wild[0], wild[1:]
		}
		if s := t.services[pos]; s.applies(r) {
			if rt := s.route(r); rt != nil {
				return rt
			}
		}
	}
	return nil
}

// NeedsArguments reports whether some route matches on argument values (params_match), so that
// Match may call Request.Argument.
func (t *Table) NeedsArguments() bool { return t.needsArgs }

// NeedsAttachments reports whether some route configuration matches on the group or some route
// on attachments (headers), so that Match may call Request.Group or Request.Attachment.
func (t *Table) NeedsAttachments() bool { return t.needsAttach }

// Clusters returns the names of the clusters the routes name, sorted and without duplicates.
func (t *Table) Clusters() []string {
	var names []string
	for _, s := range t.services {
		for _, r := range s.routes {
			if r.Cluster != "" {
				names = append(names, r.Cluster)
			}
			for _, c := range r.WeightedClusters {
				names = append(names, c.Name)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
