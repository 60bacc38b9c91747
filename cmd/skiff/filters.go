package main

import (
	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/filters/fault"
	"github.com/skiffmesh/skiff/filters/stats"
)

// httpFilters is the registry of the HTTP filters this binary has.
func httpFilters() *filters.Registry {
	r := &filters.Registry{}
	fault.Register(r)
	stats.Register(r)
	return r
}
