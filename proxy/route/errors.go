package route

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrUnsupported is wrapped by every error about a field that is set but not implemented by Skiff.
// Its text is short because it always appears inside a FieldError, which adds the field path.
var ErrUnsupported = errors.New("not supported")

// FieldError reports a problem with one field of a RouteConfiguration.
type FieldError struct {
	// Resource names the route configuration, such as `route_config "local_route"`.
	Resource string
	// Path is the field path in proto (snake_case) names with list indices, relative to the
	// RouteConfiguration, such as `virtual_hosts[0].routes[2].match.safe_regex.regex`. Empty for
	// the configuration as a whole.
	Path string
	// Err says what is wrong; errors.Is(err, ErrUnsupported) holds for unsupported fields.
	Err error
}

// Error formats the error as `resource: path: problem`, leaving out empty parts.
func (e *FieldError) Error() string {
	s := e.Err.Error()
	if e.Path != "" {
		s = e.Path + ": " + s
	}
	if e.Resource != "" {
		s = e.Resource + ": " + s
	}
	return s
}

// Unwrap returns the underlying problem.
func (e *FieldError) Unwrap() error { return e.Err }

// problems collects the errors found in one route configuration.
type problems struct {
	resource string
	errs     []error
}

// add records err for the field at path.
func (p *problems) add(path string, err error) {
	p.errs = append(p.errs, &FieldError{Resource: p.resource, Path: path, Err: err})
}

// addf records a formatted error for the field at path.
func (p *problems) addf(path, format string, args ...any) {
	p.add(path, fmt.Errorf(format, args...))
}

// err returns the collected errors joined, or nil.
func (p *problems) err() error { return errors.Join(p.errs...) }

// joinPath appends a field name to a path.
func joinPath(path, field string) string {
	switch {
	case path == "":
		return field
	case field == "":
		return path
	case field[0] == '[':
		return path + field
	}
	return path + "." + field
}

// index formats a list element path such as `routes[2]`.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
