package config

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

// ErrUnsupported is wrapped by every error about a field that is set but not implemented by Skiff.
// It is fieldcheck.ErrUnsupported, the error proxy/route and proxy/dubboroute use too.
var ErrUnsupported = fieldcheck.ErrUnsupported

// FieldError reports a problem with one field of a resource: Resource names the resource, such
// as `listener "in_8080"` (empty for bootstrap-level fields), and Path is the field path, such as
// `static_resources.listeners[0].filter_chains[1].filters[0].typed_config.access_log`.
type FieldError = fieldcheck.FieldError

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
func joinPath(path, field string) string { return fieldcheck.Join(path, field) }

// index formats a list element path such as `filter_chains[2]`.
func index(path string, i int) string { return fieldcheck.Index(path, i) }

// resourceLabel formats the resource part of an error, such as `listener "in_8080"`.
func resourceLabel(kind, name string) string {
	return kind + " " + strconv.Quote(name)
}
