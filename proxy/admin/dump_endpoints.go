package admin

import (
	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// clusterSource returns the cluster's source for /config_dump, with the endpoints the
// translator dropped from it (config.CompactSnapshot) rebuilt from the running hosts.
func (a *Admin) clusterSource(c *config.Cluster) *clusterv3.Cluster {
	rc := a.opts.Server.Clusters().Get(c.Name)
	if rc == nil {
		return c.Source
	}
	return c.DumpSource(hostEndpoints(rc.Hosts()))
}

// dumpBootstrap returns the snapshot's bootstrap with its static clusters' endpoints rebuilt.
func (a *Admin) dumpBootstrap(snap *config.Snapshot) *bootstrapv3.Bootstrap {
	return snap.DumpBootstrap(func(name string) *clusterv3.Cluster {
		for _, c := range snap.Clusters {
			if c.Name == name {
				return a.clusterSource(c)
			}
		}
		return nil
	})
}

// hostEndpoints turns hosts back into the endpoints they were built from.
func hostEndpoints(hosts []*upstream.Host) []config.Endpoint {
	eps := make([]config.Endpoint, len(hosts))
	for i, h := range hosts {
		eps[i] = config.Endpoint{
			Address: h.Addr().Addr().String(), Port: uint32(h.Addr().Port()), Weight: h.Weight(),
			Priority: h.Priority(), Hostname: h.Hostname(), Metadata: h.Metadata(),
		}
	}
	return eps
}
