package config

import (
	"errors"
	"fmt"
	"net/netip"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
)

// staticListeners translates static_resources.listeners and rejects duplicate names and addresses.
func staticListeners(ls []*listenerv3.Listener) ([]*Listener, error) {
	var (
		out   []*Listener
		errs  []error
		names = map[string]int{}
		addrs = map[netip.AddrPort]int{}
	)
	for i, l := range ls {
		path := index("static_resources.listeners", i)
		tl, err := translateListener(l, path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if j, dup := names[tl.Name]; dup {
			errs = append(errs, dupError("listener", tl.Name, joinPath(path, "name"), fmt.Sprintf("name already used by listeners[%d]", j)))
		}
		names[tl.Name] = i
		if j, dup := addrs[tl.Address]; dup && tl.Address.Port() != 0 {
			errs = append(errs, dupError("listener", tl.Name, joinPath(path, "address"), fmt.Sprintf("%s already used by listeners[%d]", tl.Address, j)))
		}
		addrs[tl.Address] = i
		out = append(out, tl)
	}
	return out, errors.Join(errs...)
}

// staticClusters translates static_resources.clusters and rejects duplicate names.
func staticClusters(cs []*clusterv3.Cluster) ([]*Cluster, error) {
	var (
		out   []*Cluster
		errs  []error
		names = map[string]int{}
	)
	for i, c := range cs {
		path := index("static_resources.clusters", i)
		tc, err := translateCluster(c, path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if j, dup := names[tc.Name]; dup {
			errs = append(errs, dupError("cluster", tc.Name, joinPath(path, "name"), fmt.Sprintf("name already used by clusters[%d]", j)))
		}
		names[tc.Name] = i
		out = append(out, tc)
	}
	return out, errors.Join(errs...)
}

func dupError(kind, name, path, msg string) error {
	return &FieldError{Resource: resourceLabel(kind, name), Path: path, Err: errors.New(msg)}
}
