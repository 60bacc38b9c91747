package server

import (
	"errors"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/httpcm"
	"github.com/skiffmesh/skiff/proxy/route"
)

// SetRoutes installs route configuration name (an RDS update): rc is kept for listeners compiled
// later and t, compiled from rc, replaces the route table of every HTTP connection manager that
// reads name. The next request on an existing connection uses it.
func (d *Dynamic) SetRoutes(name string, rc *routev3.RouteConfiguration, t *route.Table) error {
	if rc == nil || t == nil {
		return errors.New("server: set routes: nil route configuration")
	}
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.routes[name] = rc
	d.tables[name] = t
	for _, us := range d.users {
		for _, u := range us {
			if u.name == name {
				u.m.SetRoutes(t)
			}
		}
	}
	return nil
}

// RemoveRoutes forgets route configuration name (no listener reads it any more).
func (d *Dynamic) RemoveRoutes(name string) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	delete(d.routes, name)
	delete(d.tables, name)
}

// routeConfig returns h with the route configuration it reads: h itself for an inline
// route_config, else a copy holding the RDS configuration received so far (an empty one, which
// answers 404, before it arrives or on a server without an xDS side). Caller holds s.mu.
func (d *Dynamic) routeConfig(h *config.HTTPConnectionManager) *config.HTTPConnectionManager {
	if h.RDSName == "" {
		return h
	}
	rc := &routev3.RouteConfiguration{Name: h.RDSName}
	if d != nil {
		if r, ok := d.routes[h.RDSName]; ok {
			rc = r
		}
	}
	cp := *h
	cp.RouteConfig = rc
	return &cp
}

// noteHTTP records that m, compiled for version v, reads RDS configuration h.RDSName. Caller
// holds s.mu.
func (d *Dynamic) noteHTTP(v *listenerVersion, h *config.HTTPConnectionManager, m *httpcm.Manager) {
	if d == nil || h.RDSName == "" {
		return
	}
	d.users[v] = append(d.users[v], rdsUser{name: h.RDSName, m: m})
}
