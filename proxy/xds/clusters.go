package xds

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/skiffmesh/skiff/proxy/config"
)

// clusterEntry is a cluster received over CDS.
type clusterEntry struct {
	meta
	cfg *config.Cluster // the latest accepted version
	// active is the version installed (an EDS cluster's with its endpoints); nil while the first
	// version warms. While a new version warms, the previous one stays installed.
	active  *config.Cluster
	service string // the EDS service the installed version reads
	warming bool
	timer   *time.Timer
}

// endpointEntry is a ClusterLoadAssignment received over EDS.
type endpointEntry struct {
	meta
	eps []config.Endpoint
}

// applyClusters installs a CDS response.
func (r *resources) applyClusters(t *typeState, resp *response) error {
	ch, err := diff(t, resp, func(n string) (*anypb.Any, bool) {
		e, ok := r.clusters[n]
		return e.bodyOrNil(), ok
	}, slices.Collect(maps.Keys(r.clusters)))
	if err != nil {
		return err
	}
	cfgs := make([]*config.Cluster, len(ch.changed))
	var errs []error
	for i, it := range ch.changed {
		cfgs[i], err = r.translateCluster(it)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	record(t, ch)
	now := time.Now()
	for i, it := range ch.changed {
		old := r.clusters[it.name]
		e := &clusterEntry{meta: meta{version: it.version, updated: now, body: it.body}, cfg: cfgs[i]}
		if old != nil {
			old.stop()
			e.active, e.service = old.active, old.service
		}
		r.clusters[it.name] = e
		r.warmCluster(it.name, e)
	}
	for _, it := range ch.same {
		r.clusters[it.name].version = it.version
	}
	for _, n := range ch.removed {
		r.clusters[n].stop()
		delete(r.clusters, n)
	}
	if len(ch.changed)+len(ch.removed) > 0 {
		r.indexServices()
		r.pushClusters()
	}
	return nil
}

// translateCluster decodes and translates one CDS resource.
func (r *resources) translateCluster(it item) (*config.Cluster, error) {
	var pb clusterv3.Cluster
	if err := it.body.UnmarshalTo(&pb); err != nil {
		return nil, fmt.Errorf("cluster %q: %w", it.name, err)
	}
	if pb.GetName() != it.name {
		return nil, fmt.Errorf("cluster %q: the resource is named %q", it.name, pb.GetName())
	}
	if r.static["cluster/"+it.name] {
		return nil, fmt.Errorf("cluster %q: a static cluster has that name", it.name)
	}
	return config.TranslateCluster(&pb)
}

// warmCluster installs e's version now when it can (not EDS, or its endpoints are known), else
// marks it warming until they arrive or its initial_fetch_timeout passes.
func (r *resources) warmCluster(name string, e *clusterEntry) {
	cfg := e.cfg
	if cfg.Type != config.EDS {
		e.active, e.service, e.warming = cfg, "", false
		return
	}
	if ep, ok := r.endpoints[cfg.EDSServiceName]; ok {
		e.active, e.service, e.warming = withEndpoints(cfg, ep.eps), cfg.EDSServiceName, false
		return
	}
	e.warming = true
	if d := cfg.EDSInitialFetchTimeout(); d > 0 {
		e.timer = r.c.after(d, func() {
			if cur := r.clusters[name]; cur == e && e.warming {
				r.c.log.Warn("cluster warmed without endpoints", "cluster", name, "initial_fetch_timeout", d)
				e.active, e.service, e.warming = withEndpoints(cfg, nil), cfg.EDSServiceName, false
				r.pushClusters()
			}
		})
	}
}

// withEndpoints returns a copy of an EDS cluster with the endpoints it starts with.
func withEndpoints(cfg *config.Cluster, eps []config.Endpoint) *config.Cluster {
	cp := *cfg
	cp.Endpoints = eps
	return &cp
}

// indexServices rebuilds the EDS service index and the EDS subscription from the clusters, and
// forgets assignments no cluster reads any more.
func (r *resources) indexServices() {
	r.services = map[string][]string{}
	t := r.c.types[EndpointType]
	t.names = map[string]bool{}
	for name, e := range r.clusters {
		if e.cfg.Type == config.EDS {
			r.services[e.cfg.EDSServiceName] = append(r.services[e.cfg.EDSServiceName], name)
			t.names[e.cfg.EDSServiceName] = true
		}
		if e.service != "" && e.service != e.cfg.EDSServiceName {
			r.services[e.service] = append(r.services[e.service], name)
			t.names[e.service] = true
		}
	}
	for n := range r.endpoints {
		if !t.names[n] {
			delete(r.endpoints, n)
			delete(t.versions, n)
		}
	}
}

// pushClusters installs the active clusters in the target.
func (r *resources) pushClusters() {
	names := slices.Sorted(maps.Keys(r.clusters))
	out := make([]*config.Cluster, 0, len(names))
	for _, n := range names {
		if a := r.clusters[n].active; a != nil {
			out = append(out, a)
		}
	}
	if err := r.c.opts.Target.ApplyClusters(out); err != nil {
		r.c.log.Error("installing clusters failed", "err", err)
	}
}

// applyEndpoints installs an EDS response.
func (r *resources) applyEndpoints(t *typeState, resp *response) error {
	ch, err := diff(t, resp, func(n string) (*anypb.Any, bool) {
		e, ok := r.endpoints[n]
		return e.bodyOrNil(), ok
	}, nil)
	if err != nil {
		return err
	}
	eps := make([][]config.Endpoint, len(ch.changed))
	var errs []error
	for i, it := range ch.changed {
		var cla endpointv3.ClusterLoadAssignment
		if err := it.body.UnmarshalTo(&cla); err != nil {
			errs = append(errs, fmt.Errorf("cluster_load_assignment %q: %w", it.name, err))
			continue
		}
		eps[i], err = config.TranslateLoadAssignment(&cla)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	record(t, ch)
	now := time.Now()
	push := false
	for i, it := range ch.changed {
		r.endpoints[it.name] = &endpointEntry{meta: meta{version: it.version, updated: now, body: it.body}, eps: eps[i]}
		push = r.endpointsChanged(it.name, eps[i]) || push
	}
	for _, it := range ch.same {
		r.endpoints[it.name].version = it.version
	}
	for _, n := range ch.removed {
		delete(r.endpoints, n)
		push = r.endpointsChanged(n, nil) || push
	}
	if push {
		r.pushClusters()
	}
	return nil
}

// endpointsChanged hands new endpoints of service to the clusters reading it: installed ones get
// them at once, warming ones become installable. It reports whether the cluster set must be
// pushed.
func (r *resources) endpointsChanged(service string, eps []config.Endpoint) bool {
	push := false
	for _, name := range r.services[service] {
		e := r.clusters[name]
		switch {
		case e.warming && e.cfg.EDSServiceName == service:
			e.stop()
			e.active, e.service, e.warming = withEndpoints(e.cfg, eps), service, false
			push = true
		case e.active != nil && e.service == service:
			if err := r.c.opts.Target.SetEndpoints(name, eps); err != nil {
				r.c.log.Error("installing endpoints failed", "cluster", name, "err", err)
			}
		}
	}
	return push
}

func (e *clusterEntry) stop() {
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
}

func (e *clusterEntry) bodyOrNil() *anypb.Any {
	if e == nil {
		return nil
	}
	return e.body
}

func (e *endpointEntry) bodyOrNil() *anypb.Any {
	if e == nil {
		return nil
	}
	return e.body
}
