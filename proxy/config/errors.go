package config

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
	// Resource names the resource the field belongs to, such as `listener "in_8080"`; empty for
	// bootstrap-level fields.
	Resource string
	// Path is the field path in proto (snake_case) names with list indices and map keys, such as
	// `static_resources.listeners[0].filter_chains[1].filters[0].typed_config.access_log`.
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

// problems collects the errors found in one resource, all with the same resource label and base path.
type problems struct {
	resource string
	base     string
	errs     []error
}

// add records err for the field at path (relative to the base path).
func (p *problems) add(path string, err error) {
	p.errs = append(p.errs, &FieldError{Resource: p.resource, Path: joinPath(p.base, path), Err: err})
}

// addf records a formatted error for the field at path (relative to the base path).
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

// index formats a list element path such as `filter_chains[2]`.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// resourceLabel formats the resource part of an error, such as `listener "in_8080"`.
func resourceLabel(kind, name string) string {
	return kind + " " + strconv.Quote(name)
}
