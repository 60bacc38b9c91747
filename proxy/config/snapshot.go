package config

import (
	"errors"
	"fmt"
	"net/netip"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// StaticVersion is the Snapshot.Version of a snapshot translated from a bootstrap.
const StaticVersion = "static"

// defaultAdminAddress is where the admin server listens when the bootstrap does not say.
func defaultAdminAddress() netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 15000)
}

// Snapshot is a complete, immutable runtime configuration.
type Snapshot struct {
	// Version identifies the configuration: StaticVersion for a bootstrap.
	Version string
	// Node identifies this proxy to control planes (informational); may be nil.
	Node *corev3.Node
	// Admin configures the admin server.
	Admin Admin
	// Listeners in config order; names and non-zero addresses are unique.
	Listeners []*Listener
	// Clusters in config order; names are unique.
	Clusters []*Cluster
	// Dynamic is dynamic_resources: where xDS delivers more listeners and clusters from; nil
	// when the bootstrap has none (dynamic.go).
	Dynamic *DynamicConfig
	// Runtime holds the static_layer values of layered_runtime, flattened to "a.b.c" keys with
	// values as strings (later layers override earlier ones); never nil.
	Runtime map[string]string
	// Warnings are things accepted but worth a log line, one line each.
	Warnings []string
	// Bootstrap is the source, for /config_dump and for handing to a successor process. Do not
	// modify it.
	Bootstrap *bootstrapv3.Bootstrap
}

// Admin configures the admin HTTP server.
type Admin struct {
	// Address is admin.address; 127.0.0.1:15000 when the bootstrap has no admin address.
	// Port 0 asks the kernel for a free port.
	Address netip.AddrPort
}

// Translate checks every set field of a bootstrap against what Skiff implements and compiles it
// into a Snapshot. All problems found are returned together (errors.Join of FieldErrors); a set
// field Skiff does not implement is an error naming its path, wrapping ErrUnsupported.
func Translate(b *bootstrapv3.Bootstrap) (*Snapshot, error) {
	if b == nil {
		return nil, errors.New("config: translate: nil bootstrap")
	}
	probs := &problems{}
	s := &Snapshot{Version: StaticVersion, Node: b.GetNode(), Bootstrap: b}
	s.Warnings = checkFields(b, probs)
	if len(probs.errs) == 0 {
		s.Admin = translateAdmin(probs, b.GetAdmin())
		s.Runtime = translateRuntime(probs, b.GetLayeredRuntime())
		validateBootstrapParts(probs, b)
	}
	errs := []error{probs.err()}
	var err error
	s.Listeners, err = staticListeners(b.GetStaticResources().GetListeners())
	errs = append(errs, err)
	s.Clusters, err = staticClusters(b.GetStaticResources().GetClusters())
	errs = append(errs, err)
	if err == nil {
		s.Dynamic, err = translateDynamic(b.GetDynamicResources(), s.Clusters)
		errs = append(errs, err, checkHTTP2Clusters(s.Clusters, s.Dynamic))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.Warnings = append(s.Warnings, undefinedClusters(s)...)
	CompactSnapshot(s) // no per-endpoint protos retained (stats_endpoints.go)
	return s, nil
}

// validateBootstrapParts runs Envoy's value rules on the bootstrap-level messages Skiff reads.
func validateBootstrapParts(probs *problems, b *bootstrapv3.Bootstrap) {
	if b.GetNode() != nil {
		validate(probs, "node", b.GetNode())
	}
	if b.GetAdmin() != nil {
		validate(probs, "admin", b.GetAdmin())
	}
	if b.GetLayeredRuntime() != nil {
		validate(probs, "layered_runtime", b.GetLayeredRuntime())
	}
}

// translateAdmin reads admin.address.
func translateAdmin(probs *problems, a *bootstrapv3.Admin) Admin {
	if a.GetAddress() == nil {
		return Admin{Address: defaultAdminAddress()}
	}
	addr, _ := socketAddr(probs, "admin.address", a.GetAddress(), ephemeralOK)
	return Admin{Address: addr}
}

// undefinedClusters warns about tcp_proxy clusters that no cluster defines. Envoy accepts them
// (the cluster may arrive later over CDS); connections to them fail.
func undefinedClusters(s *Snapshot) []string {
	defined := make(map[string]bool, len(s.Clusters))
	for _, c := range s.Clusters {
		defined[c.Name] = true
	}
	var out []string
	for _, l := range s.Listeners {
		chains := l.FilterChains
		if l.DefaultChain != nil {
			chains = append(chains[:len(chains):len(chains)], l.DefaultChain)
		}
		for _, fc := range chains {
			if fc.TCPProxy == nil {
				continue
			}
			for _, wc := range fc.TCPProxy.Clusters {
				if !defined[wc.Name] {
					out = append(out, fmt.Sprintf("listener %q: filter chain %q: tcp_proxy cluster %q is not defined",
						l.Name, fc.Name, wc.Name))
				}
			}
		}
	}
	return out
}
