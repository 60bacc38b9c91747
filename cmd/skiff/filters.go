package main

import (
	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/filters/fault"
)

// httpFilters is the registry of the HTTP filters this binary has.
func httpFilters() *filters.Registry {
	r := &filters.Registry{}
	fault.Register(r)
	return r
}
