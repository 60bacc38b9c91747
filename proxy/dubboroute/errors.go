package dubboroute

import "github.com/skiffmesh/skiff/proxy/fieldcheck"

// ErrUnsupported is wrapped by every error about a field that is set but not implemented by Skiff.
// It is fieldcheck.ErrUnsupported, the error proxy/config and proxy/route use too.
var ErrUnsupported = fieldcheck.ErrUnsupported

// FieldError reports a problem with one field of one route configuration of a list.
type FieldError struct {
	// Index is the position of the route configuration in the list given to Check or Compile.
	Index int
	// Path is the field path in proto (snake_case) names with list indices and map keys,
	// relative to the route configuration, such as `routes[2].match.method.name.safe_regex.regex`.
	// Empty for the route configuration as a whole.
	Path string
	// Err says what is wrong; errors.Is(err, ErrUnsupported) holds for unsupported fields.
	Err error
}

// Error formats the error as `route_config[index].path: problem`.
func (e *FieldError) Error() string {
	return joinPath(index("route_config", e.Index), e.Path) + ": " + e.Err.Error()
}

// Unwrap returns the underlying problem.
func (e *FieldError) Unwrap() error { return e.Err }

// problems collects the errors found in one route configuration.
type problems = fieldcheck.Problems

// newProblems returns a collector whose errors are *FieldError of the route configuration at
// position i.
func newProblems(i int) *problems {
	return fieldcheck.NewProblems(func(path string, err error) error {
		return &FieldError{Index: i, Path: path, Err: err}
	})
}

// joinPath appends a field name to a path.
func joinPath(path, field string) string { return fieldcheck.Join(path, field) }

// index formats a list element path such as `routes[2]`.
func index(path string, i int) string { return fieldcheck.Index(path, i) }
