package xds

import (
	"bytes"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/anypb"
)

// meta is what the client keeps about every resource it holds: the encoded resource as received
// (an identical one later is a no-op), its version and when it last changed.
type meta struct {
	version string
	updated time.Time
	body    *anypb.Any
}

// resources are the resources the client holds and has installed. Run goroutine only.
type resources struct {
	c         *Client
	clusters  map[string]*clusterEntry
	endpoints map[string]*endpointEntry
	listeners map[string]*listenerEntry
	routes    map[string]*routeEntry
	// services maps an EDS service name to the clusters reading it.
	services map[string][]string
	static   map[string]bool // "cluster/<name>" and "listener/<name>" of the bootstrap
}

func newResources(c *Client) *resources {
	r := &resources{
		c: c, clusters: map[string]*clusterEntry{}, endpoints: map[string]*endpointEntry{},
		listeners: map[string]*listenerEntry{}, routes: map[string]*routeEntry{},
		services: map[string][]string{}, static: map[string]bool{},
	}
	for _, n := range c.opts.StaticClusters {
		r.static["cluster/"+n] = true
	}
	for _, n := range c.opts.StaticListeners {
		r.static["listener/"+n] = true
	}
	return r
}

// apply installs the resources of one response, all or nothing: an error is the NACK reason
// (FieldErrors naming resource and field, joined) and leaves everything as it was.
func (r *resources) apply(t *typeState, resp *response) error {
	switch resp.typeURL {
	case ClusterType:
		return r.applyClusters(t, resp)
	case EndpointType:
		return r.applyEndpoints(t, resp)
	case ListenerType:
		return r.applyListeners(t, resp)
	case RouteType:
		return r.applyRoutes(t, resp)
	}
	return fmt.Errorf("type %s is not supported", resp.typeURL)
}

// changes sorts the items of a response: those whose bytes differ from what is held (changed),
// those identical (same), and the names removed (delta removals, and for a state-of-the-world
// response to a wildcard subscription, every held name it does not list). Items for names not
// wanted are dropped. held reports the body held under a name, if any.
type changes struct {
	changed, same []item
	removed       []string
}

func diff(t *typeState, resp *response, held func(string) (*anypb.Any, bool), names []string) (*changes, error) {
	out := &changes{}
	seen := make(map[string]bool, len(resp.items))
	for _, it := range resp.items {
		if it.name == "" {
			return nil, fmt.Errorf("a %s resource has no name", t.url)
		}
		if seen[it.name] {
			return nil, fmt.Errorf("resource %q is listed twice", it.name)
		}
		seen[it.name] = true
		if !t.wildcard && !t.names[it.name] {
			continue
		}
		if b, ok := held(it.name); ok && bytes.Equal(b.GetValue(), it.body.GetValue()) && b.GetTypeUrl() == it.body.GetTypeUrl() {
			out.same = append(out.same, it)
			continue
		}
		out.changed = append(out.changed, it)
	}
	if resp.full && t.wildcard {
		for _, n := range names {
			if !seen[n] {
				out.removed = append(out.removed, n)
			}
		}
	}
	for _, n := range resp.removed {
		if _, ok := held(n); ok {
			out.removed = append(out.removed, n)
		}
	}
	return out, nil
}

// record notes the versions of accepted items and the removals in t (for delta resubscription).
func record(t *typeState, ch *changes) {
	for _, it := range ch.changed {
		t.versions[it.name] = it.version
	}
	for _, it := range ch.same {
		t.versions[it.name] = it.version
	}
	for _, n := range ch.removed {
		delete(t.versions, n)
	}
}

// stopTimers stops the warming timers (Run is ending).
func (r *resources) stopTimers() {
	for _, e := range r.clusters {
		if e.timer != nil {
			e.timer.Stop()
		}
	}
	for _, e := range r.listeners {
		if e.timer != nil {
			e.timer.Stop()
		}
	}
}

// anyWarming reports whether a cluster or listener waits for its EDS or RDS resources.
func (r *resources) anyWarming() bool {
	for _, e := range r.clusters {
		if e.warming {
			return true
		}
	}
	for _, e := range r.listeners {
		if e.warming {
			return true
		}
	}
	return false
}
