package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/httpcm"
	"github.com/skiffmesh/skiff/proxy/route"
)

// DynamicOptions configure the xDS side of a server.
type DynamicOptions struct {
	// DrainTime is how long the connections of a removed or replaced dynamic listener may carry on
	// before they are closed (--drain-time-s). 0 closes them at once.
	DrainTime time.Duration
}

// Dynamic is the side of a Server that an xDS client (proxy/xds) installs resources through.
// The dynamic listeners and clusters come on top of the static ones of the snapshot passed to
// Apply; names must not clash. Every method may be called from any goroutine; installs
// serialise with Apply. Each install compiles off the event loops and swaps atomically.
type Dynamic struct {
	s    *Server
	opts DynamicOptions

	// Guarded by s.mu.
	clusters  []*config.Cluster
	listeners []*config.Listener
	routes    map[string]*routev3.RouteConfiguration
	tables    map[string]*route.Table
	users     map[*listenerVersion][]rdsUser // HTTP managers reading an RDS route table
	conns     map[*listenerVersion]*connSet  // connections of each listener version
	dump      func() *config.DynamicDump
}

// rdsUser is an HTTP connection manager whose route table comes from RDS name.
type rdsUser struct {
	name string
	m    *httpcm.Manager
}

// EnableDynamic turns the xDS side of s on and returns it. Call it before the first Apply, so
// that static listeners with RDS and their connections are tracked too. Calling it again returns
// the same Dynamic.
func (s *Server) EnableDynamic(opts DynamicOptions) *Dynamic {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dyn == nil {
		s.dyn = &Dynamic{
			s: s, opts: opts,
			routes: map[string]*routev3.RouteConfiguration{}, tables: map[string]*route.Table{},
			users: map[*listenerVersion][]rdsUser{}, conns: map[*listenerVersion]*connSet{},
		}
	}
	return s.dyn
}

// ApplyClusters makes cs the complete set of dynamic clusters (the static ones stay). A cluster
// passed as the same *config.Cluster, or with an equal source, keeps its runtime (hosts,
// connections); see upstream.Manager.Apply. An EDS cluster's Endpoints are the hosts it starts
// with when it is new or changed; later endpoint changes go through SetEndpoints.
func (d *Dynamic) ApplyClusters(cs []*config.Cluster) error {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("server: closed")
	}
	static := d.staticClusters()
	all := make([]*config.Cluster, 0, len(static)+len(cs))
	seen := make(map[string]bool, len(static))
	for _, c := range static {
		seen[c.Name] = true
		all = append(all, c)
	}
	for _, c := range cs {
		if seen[c.Name] {
			return fmt.Errorf("server: cluster %q: a static cluster has that name", c.Name)
		}
		seen[c.Name] = true
		all = append(all, c)
	}
	s.clusters.Apply(all)
	d.clusters = cs
	return nil
}

// SetEndpoints installs the endpoints of cluster name (an EDS update); connections to endpoints
// that stay are not touched. See upstream.Manager.SetEndpoints.
func (d *Dynamic) SetEndpoints(name string, eps []config.Endpoint) error {
	return d.s.clusters.SetEndpoints(name, eps)
}

// ApplyListeners makes ls the complete set of dynamic listeners (the static ones stay). A
// listener passed as the same *config.Listener as before keeps its version and connections; a
// changed or removed one stops taking connections on its old version, whose connections carry on
// for DrainTime and are then closed. On error nothing changed.
func (d *Dynamic) ApplyListeners(ls []*config.Listener) error {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("server: closed")
	}
	var static []*config.Listener
	if snap := s.snap.Load(); snap != nil {
		static = snap.Listeners
	}
	all := make([]*config.Listener, 0, len(static)+len(ls))
	seen := make(map[string]bool, len(static))
	for _, l := range append(static[:len(static):len(static)], ls...) {
		if seen[l.Name] {
			return fmt.Errorf("server: listener %q: the name is used twice", l.Name)
		}
		seen[l.Name] = true
		all = append(all, l)
	}
	before := d.currentVersions()
	if err := s.applyListeners(all); err != nil {
		return err
	}
	d.listeners = ls
	now := d.currentVersions()
	for v := range before {
		if !now[v] {
			d.drain(v)
		}
	}
	d.prune(now)
	return nil
}

// ValidateListener compiles l (route tables, HTTP filters) without installing it: what
// ApplyListeners would reject for l's own config, ValidateListener rejects.
func (d *Dynamic) ValidateListener(l *config.Listener) error {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	_, err := d.s.compileListener(l)
	return err
}

// SetDump sets where /config_dump gets the dynamic resources from (the xDS client).
func (d *Dynamic) SetDump(f func() *config.DynamicDump) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.dump = f
}

// DynamicDump returns the dynamic resources for /config_dump, or nil when the server has no
// xDS side.
func (s *Server) DynamicDump() *config.DynamicDump {
	s.mu.Lock()
	var f func() *config.DynamicDump
	if s.dyn != nil {
		f = s.dyn.dump
	}
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	return f()
}

// WaitReady marks the server initialising, waits until initialized is closed (the xDS client's
// first complete configuration) and then for every cluster, and marks the server live. /ready
// answers 503 until then.
func (d *Dynamic) WaitReady(ctx context.Context, initialized <-chan struct{}) error {
	s := d.s
	s.state.CompareAndSwap(int32(PreInitializing), int32(Initializing))
	s.stats.update(s)
	select {
	case <-initialized:
	case <-ctx.Done():
		return fmt.Errorf("server: waiting for the first xDS configuration: %w", ctx.Err())
	}
	return s.WaitReady(ctx)
}

// staticClusters are the clusters of the applied snapshot. Caller holds s.mu.
func (d *Dynamic) staticClusters() []*config.Cluster {
	if snap := d.s.snap.Load(); snap != nil {
		return snap.Clusters
	}
	return nil
}

// unchangedVersion returns the running version of cfg's listener when it was compiled from this
// very *config.Listener (an xDS update that left the listener alone), else nil. Caller holds s.mu.
func (s *Server) unchangedVersion(cfg *config.Listener) *listenerVersion {
	if l, ok := s.listeners[cfg.Name]; ok && l.addr == cfg.Address {
		if v := l.version.Load(); v.cfg == cfg {
			return v
		}
	}
	return nil
}

// currentVersions are the versions new connections get now. Caller holds s.mu.
func (d *Dynamic) currentVersions() map[*listenerVersion]bool {
	out := make(map[*listenerVersion]bool, len(d.s.listeners))
	for _, l := range d.s.listeners {
		out[l.version.Load()] = true
	}
	return out
}

// prune forgets the RDS users of versions no longer current: connections accepted under a
// replaced version keep the routes they had while they drain. Caller holds s.mu.
func (d *Dynamic) prune(current map[*listenerVersion]bool) {
	for v := range d.users {
		if !current[v] {
			delete(d.users, v)
		}
	}
	for v, set := range d.conns {
		if !current[v] && !set.draining() {
			delete(d.conns, v)
		}
	}
}
