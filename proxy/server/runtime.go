package server

import (
	"fmt"
	"maps"
	"strconv"
	"sync"
)

// HostStatsKey switches per-upstream-host statistics (default on).
const HostStatsKey = "skiff.stats.host_level"

// Runtime holds Envoy-style runtime keys: the bootstrap's static layer with
// the admin layer (/runtime_modify) on top. Keys Skiff acts on are applied
// when they change; others are stored and shown.
type Runtime struct {
	srv   *Server
	mu    sync.Mutex
	base  map[string]string // static layer
	admin map[string]string // admin layer overrides
}

func newRuntime(s *Server) *Runtime {
	return &Runtime{srv: s, base: map[string]string{}, admin: map[string]string{}}
}

// Get returns the effective value of key.
func (r *Runtime) Get(key string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.get(key)
}

func (r *Runtime) get(key string) (string, bool) {
	if v, ok := r.admin[key]; ok {
		return v, true
	}
	v, ok := r.base[key]
	return v, ok
}

// Layers returns copies of the static and admin layers.
func (r *Runtime) Layers() (static, admin map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.base), maps.Clone(r.admin)
}

// Set puts key=value in the admin layer; an empty value removes the
// override. A value Skiff cannot use is an error and changes nothing.
func (r *Runtime) Set(key, value string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	old, hadOld := r.admin[key]
	if value == "" {
		delete(r.admin, key)
	} else {
		r.admin[key] = value
	}
	if err := r.apply(); err != nil {
		if hadOld {
			r.admin[key] = old
		} else {
			delete(r.admin, key)
		}
		return err
	}
	return nil
}

// load replaces the static layer (from a new snapshot).
func (r *Runtime) load(static map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.base = maps.Clone(static)
	if r.base == nil {
		r.base = map[string]string{}
	}
	if err := r.apply(); err != nil {
		r.srv.log.Warn("runtime: ignoring bad value", "err", err)
	}
}

// apply acts on the keys Skiff knows.
func (r *Runtime) apply() error {
	on := true
	if v, ok := r.get(HostStatsKey); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("runtime: %s: %q is not a boolean", HostStatsKey, v)
		}
		on = b
	}
	if r.srv.clusters.HostStats() != on {
		r.srv.clusters.SetHostStats(on)
	}
	return nil
}
