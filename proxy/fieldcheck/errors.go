package fieldcheck

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrUnsupported is wrapped by every error about a field that is set but not implemented by Skiff.
// Its text is short because it always appears inside a FieldError, which adds the field path.
var ErrUnsupported = errors.New("not supported")

// FieldError reports a problem with one field of a resource.
type FieldError struct {
	// Resource names the resource the field belongs to, such as `listener "in_8080"` or
	// `route_config "local_route"`; empty when the path alone says where the field is.
	Resource string
	// Path is the field path in proto (snake_case) names with list indices and map keys, such as
	// `virtual_hosts[0].routes[2].match.safe_regex.regex`. Empty for the resource as a whole.
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

// Problems collects the errors found in one resource. The zero value is not usable: make one
// with NewProblems. It is not safe for concurrent use.
type Problems struct {
	wrap func(path string, err error) error
	errs []error
}

// NewProblems returns an empty collector; wrap turns a problem at a field path into the error
// recorded (usually a *FieldError carrying the resource's name).
func NewProblems(wrap func(path string, err error) error) *Problems {
	return &Problems{wrap: wrap}
}

// Add records err for the field at path.
func (p *Problems) Add(path string, err error) {
	p.errs = append(p.errs, p.wrap(path, err))
}

// Addf records a formatted error for the field at path.
func (p *Problems) Addf(path, format string, args ...any) {
	p.Add(path, fmt.Errorf(format, args...))
}

// NonEmpty returns s, recording `must not be empty` at path when it is empty.
func (p *Problems) NonEmpty(path, s string) string {
	if s == "" {
		p.Addf(path, "must not be empty")
	}
	return s
}

// Errs returns the errors recorded so far, in order. The caller must not modify the slice.
func (p *Problems) Errs() []error { return p.errs }

// Err returns the errors recorded so far joined (errors.Join), or nil.
func (p *Problems) Err() error { return errors.Join(p.errs...) }

// Join appends a field name, or a `[...]` index, to a path; either may be empty.
func Join(path, field string) string {
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

// Index formats a list element path such as `routes[2]`.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
