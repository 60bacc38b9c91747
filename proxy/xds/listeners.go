package xds

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/route"
)

// listenerEntry is a listener received over LDS.
type listenerEntry struct {
	meta
	cfg *config.Listener // the latest accepted version
	// active is the version installed; nil while the first version warms. While a new version
	// warms, the previous one stays installed.
	active  *config.Listener
	rds     []string // the route configurations cfg reads
	warming bool
	timer   *time.Timer
}

// routeEntry is a RouteConfiguration received over RDS.
type routeEntry struct {
	meta
	rc *routev3.RouteConfiguration
}

// applyListeners installs an LDS response. The listeners are compiled by the target first, so a
// listener the server cannot build is a NACK; so is one it cannot bind (the update is undone).
func (r *resources) applyListeners(t *typeState, resp *response) error {
	ch, err := diff(t, resp, func(n string) (*anypb.Any, bool) {
		e, ok := r.listeners[n]
		return e.bodyOrNil(), ok
	}, slices.Collect(maps.Keys(r.listeners)))
	if err != nil {
		return err
	}
	cfgs := make([]*config.Listener, len(ch.changed))
	var errs []error
	for i, it := range ch.changed {
		cfgs[i], err = r.translateListener(it)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	prev := maps.Clone(r.listeners)
	now := time.Now()
	for i, it := range ch.changed {
		e := &listenerEntry{meta: meta{version: it.version, updated: now, body: it.body}, cfg: cfgs[i]}
		if old := r.listeners[it.name]; old != nil {
			e.active = old.active
		}
		r.listeners[it.name] = e
		r.warmListener(it.name, e)
	}
	for _, n := range ch.removed {
		delete(r.listeners, n)
	}
	if len(ch.changed)+len(ch.removed) > 0 {
		if err := r.pushListeners(); err != nil {
			for _, e := range r.listeners {
				if prev[e.cfg.Name] != e {
					e.stop()
				}
			}
			r.listeners = prev
			return err
		}
		for _, e := range prev {
			if r.listeners[e.cfg.Name] != e {
				e.stop()
			}
		}
		r.indexRoutes()
	}
	record(t, ch)
	for _, it := range ch.same {
		r.listeners[it.name].version = it.version
	}
	return nil
}

// translateListener decodes, translates and compiles one LDS resource.
func (r *resources) translateListener(it item) (*config.Listener, error) {
	var pb listenerv3.Listener
	if err := it.body.UnmarshalTo(&pb); err != nil {
		return nil, fmt.Errorf("listener %q: %w", it.name, err)
	}
	if pb.GetName() != it.name {
		return nil, fmt.Errorf("listener %q: the resource is named %q", it.name, pb.GetName())
	}
	if r.static["listener/"+it.name] {
		return nil, fmt.Errorf("listener %q: a static listener has that name", it.name)
	}
	cfg, err := config.TranslateListener(&pb)
	if err != nil {
		return nil, err
	}
	if err := r.c.opts.Target.ValidateListener(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// warmListener installs e's version now when every route configuration it reads is known, else
// marks it warming until they arrive or the shortest initial_fetch_timeout passes.
func (r *resources) warmListener(name string, e *listenerEntry) {
	var timeout time.Duration
	e.rds = nil
	for _, h := range httpManagers(e.cfg) {
		if h.RDSName == "" {
			continue
		}
		e.rds = append(e.rds, h.RDSName)
		if d := h.RDSInitialFetchTimeout(); d > 0 && (timeout == 0 || d < timeout) {
			timeout = d
		}
	}
	if r.routesKnown(e.rds) {
		e.active, e.warming = e.cfg, false
		return
	}
	e.warming = true
	if timeout > 0 {
		e.timer = r.c.after(timeout, func() {
			if cur := r.listeners[name]; cur == e && e.warming {
				r.c.log.Warn("listener warmed without its routes", "listener", name, "initial_fetch_timeout", timeout)
				e.active, e.warming = e.cfg, false
				r.pushListenersLogged()
			}
		})
	}
}

// httpManagers are the http_connection_managers of a listener's chains.
func httpManagers(l *config.Listener) []*config.HTTPConnectionManager {
	var out []*config.HTTPConnectionManager
	chains := l.FilterChains
	if l.DefaultChain != nil {
		chains = append(chains[:len(chains):len(chains)], l.DefaultChain)
	}
	for _, ch := range chains {
		if ch.HTTP != nil {
			out = append(out, ch.HTTP)
		}
	}
	return out
}

func (r *resources) routesKnown(names []string) bool {
	for _, n := range names {
		if _, ok := r.routes[n]; !ok {
			return false
		}
	}
	return true
}

// indexRoutes rebuilds the RDS subscription from the listeners and forgets route configurations
// no listener reads any more.
func (r *resources) indexRoutes() {
	t := r.c.types[RouteType]
	t.names = map[string]bool{}
	for _, e := range r.listeners {
		for _, n := range e.rds {
			t.names[n] = true
		}
		if e.active != nil && e.active != e.cfg {
			for _, h := range httpManagers(e.active) {
				if h.RDSName != "" {
					t.names[h.RDSName] = true
				}
			}
		}
	}
	for n := range r.routes {
		if !t.names[n] {
			delete(r.routes, n)
			delete(t.versions, n)
			r.c.opts.Target.RemoveRoutes(n)
		}
	}
}

// pushListeners installs the active listeners in the target.
func (r *resources) pushListeners() error {
	names := slices.Sorted(maps.Keys(r.listeners))
	out := make([]*config.Listener, 0, len(names))
	for _, n := range names {
		if a := r.listeners[n].active; a != nil {
			out = append(out, a)
		}
	}
	return r.c.opts.Target.ApplyListeners(out)
}

func (r *resources) pushListenersLogged() {
	if err := r.pushListeners(); err != nil {
		r.c.log.Error("installing listeners failed", "err", err)
	}
}

// applyRoutes installs an RDS response: each route table is compiled, then swapped into the
// HTTP connection managers reading it, and listeners waiting for it are installed.
func (r *resources) applyRoutes(t *typeState, resp *response) error {
	ch, err := diff(t, resp, func(n string) (*anypb.Any, bool) {
		e, ok := r.routes[n]
		return e.bodyOrNil(), ok
	}, nil)
	if err != nil {
		return err
	}
	rcs := make([]*routev3.RouteConfiguration, len(ch.changed))
	tables := make([]*route.Table, len(ch.changed))
	var errs []error
	for i, it := range ch.changed {
		rcs[i] = &routev3.RouteConfiguration{}
		if err := it.body.UnmarshalTo(rcs[i]); err != nil {
			errs = append(errs, fmt.Errorf("route_config %q: %w", it.name, err))
			continue
		}
		tables[i], err = route.Compile(rcs[i])
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	record(t, ch)
	now := time.Now()
	for i, it := range ch.changed {
		r.routes[it.name] = &routeEntry{meta: meta{version: it.version, updated: now, body: it.body}, rc: rcs[i]}
		if err := r.c.opts.Target.SetRoutes(it.name, rcs[i], tables[i]); err != nil {
			r.c.log.Error("installing routes failed", "route_config", it.name, "err", err)
		}
	}
	for _, it := range ch.same {
		r.routes[it.name].version = it.version
	}
	// Removed route configurations stay installed: the listeners reading them keep serving.
	push := false
	for _, e := range r.listeners {
		if e.warming && r.routesKnown(e.rds) {
			e.stop()
			e.active, e.warming = e.cfg, false
			push = true
		}
	}
	if push {
		r.pushListenersLogged()
	}
	return nil
}

func (e *listenerEntry) stop() {
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
}

func (e *listenerEntry) bodyOrNil() *anypb.Any {
	if e == nil {
		return nil
	}
	return e.body
}

func (e *routeEntry) bodyOrNil() *anypb.Any {
	if e == nil {
		return nil
	}
	return e.body
}
