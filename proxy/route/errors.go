package route

import "github.com/skiffmesh/skiff/proxy/fieldcheck"

// ErrUnsupported is wrapped by every error about a field that is set but not implemented by Skiff.
// It is fieldcheck.ErrUnsupported, the error proxy/config uses too.
var ErrUnsupported = fieldcheck.ErrUnsupported

// FieldError reports a problem with one field of a RouteConfiguration: Resource names the route
// configuration, such as `route_config "local_route"`, and Path is relative to it, such as
// `virtual_hosts[0].routes[2].match.safe_regex.regex` (empty for the configuration as a whole).
type FieldError = fieldcheck.FieldError

// problems collects the errors found in one route configuration.
type problems = fieldcheck.Problems

// newProblems returns a collector whose errors are *FieldError of the named resource.
func newProblems(resource string) *problems {
	return fieldcheck.NewProblems(func(path string, err error) error {
		return &FieldError{Resource: resource, Path: path, Err: err}
	})
}

// joinPath appends a field name to a path.
func joinPath(path, field string) string { return fieldcheck.Join(path, field) }

// index formats a list element path such as `routes[2]`.
func index(path string, i int) string { return fieldcheck.Index(path, i) }
