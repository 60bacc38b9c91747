package xds

import (
	"maps"
	"slices"

	"github.com/skiffmesh/skiff/proxy/config"
)

// typeState is the subscription state of one resource type on the ADS stream.
type typeState struct {
	url string
	// enabled is false for LDS or CDS when the bootstrap has no lds_config or cds_config.
	enabled bool
	// wildcard subscribes to every resource of the type (LDS, CDS).
	wildcard bool
	// names are the resources wanted (EDS, RDS); sent are the ones the server was told about on
	// the current stream.
	names, sent map[string]bool
	// version is the last accepted version_info; nonce the last nonce received.
	version, nonce string
	// versions are the versions of the resources held, sent as initial_resource_versions when a
	// delta stream starts.
	versions map[string]string
	// received is set by the first response.
	received bool
	// nacked is the version of the last response rejected and nackRepeats how many times in a
	// row the same version was rejected (state of the world).
	nacked      string
	nackRepeats int
}

func newTypeStates(cfg *config.DynamicConfig) map[string]*typeState {
	mk := func(url string, enabled, wildcard bool) *typeState {
		return &typeState{
			url: url, enabled: enabled, wildcard: wildcard,
			names: map[string]bool{}, sent: map[string]bool{}, versions: map[string]string{},
		}
	}
	return map[string]*typeState{
		ClusterType:  mk(ClusterType, cfg.CDS, true),
		ListenerType: mk(ListenerType, cfg.LDS, true),
		EndpointType: mk(EndpointType, true, false),
		RouteType:    mk(RouteType, true, false),
	}
}

// subscribe is the first request of the type on a new stream, nil when there is nothing to
// subscribe to. It carries the versions known, so a server that still has them sends nothing.
func (t *typeState) subscribe(delta bool) *request {
	if !t.enabled || (!t.wildcard && len(t.names) == 0) {
		return nil
	}
	t.sent = maps.Clone(t.names)
	r := &request{typeURL: t.url}
	if delta {
		r.names = t.sortedNames()
		if t.wildcard {
			r.names = []string{"*"}
		}
		r.initial = maps.Clone(t.versions)
		return r
	}
	r.version = t.version
	if !t.wildcard {
		r.names = t.sortedNames()
	}
	return r
}

// resubscribe is the request that tells the server about changed names, or nil.
func (t *typeState) resubscribe(delta bool) *request {
	if t.wildcard || !t.enabled || maps.Equal(t.names, t.sent) {
		return nil
	}
	if delta {
		r := &request{typeURL: t.url}
		for n := range t.names {
			if !t.sent[n] {
				r.names = append(r.names, n)
			}
		}
		for n := range t.sent {
			if !t.names[n] {
				r.unsubscribe = append(r.unsubscribe, n)
			}
		}
		slices.Sort(r.names)
		slices.Sort(r.unsubscribe)
		t.sent = maps.Clone(t.names)
		return r
	}
	if len(t.names) == 0 {
		// An empty list would read as a wildcard subscription: keep the old one and ignore what
		// comes for it.
		return nil
	}
	t.sent = maps.Clone(t.names)
	return &request{typeURL: t.url, version: t.version, names: t.sortedNames(), nonce: t.nonce}
}

// ack answers a response: an ACK when err is nil, else a NACK carrying err.
func (t *typeState) ack(delta bool, nonce string, err error) *request {
	r := &request{typeURL: t.url, nonce: nonce, nack: err}
	if delta {
		return r
	}
	r.version = t.version
	if !t.wildcard {
		r.names = sortedKeys(t.sent)
	}
	return r
}

// accepted records the version of an accepted response.
// (Per-resource versions are kept by resources.apply.)
func (t *typeState) accepted(r *response) { t.version = r.version }

// disconnected forgets what the server was told on the stream that ended.
func (t *typeState) disconnected() {
	t.sent = map[string]bool{}
	t.nonce = ""
}

func (t *typeState) sortedNames() []string { return sortedKeys(t.names) }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
