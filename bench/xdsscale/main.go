// Command xdsscale measures Skiff's xDS client at scale. A go-control-plane server (this process)
// serves 1,000 EDS clusters with 100,000 endpoints in total to `skiff proxy` (a child process fed
// a bootstrap with dynamic_resources); then 1% of the endpoints move (10 endpoints in each of 100
// clusters). For state of the world and for delta it reports:
//
//   - the initial load: time from starting skiff until /ready answers 200, its CPU, its RSS;
//
//   - the update, repeated (moving the endpoints there and back): time from the push
//     (SetSnapshot) until Skiff has installed it (its cluster_manager.eds.update_success counter
//     moved, polled on /stats), and in rounds without polling, Skiff's CPU per update (over
//     1.5 s from the push, idle included) and the control plane's;
//
//   - the time from a push until a request through Skiff is answered by one of the new endpoints
//     (cluster 0's endpoints are local HTTP servers and listener "probe" routes to it), measured
//     on a separate update so that the probe's requests do not count in the CPU.
//
//     go run ./bench/xdsscale -skiff ./bin/skiff [-clusters 1000] [-endpoints 100] [-changed-clusters 100] [-changed-endpoints 10]
package main

import (
	"flag"
	"fmt"
	"os"
)

const node = "sidecar~10.0.0.1~bench.default~default.svc.cluster.local"

type params struct {
	clusters, endpoints, changedClusters, changedEndpoints, updates int
	skiff                                                           string
}

func main() {
	var p params
	flag.StringVar(&p.skiff, "skiff", "bin/skiff", "the skiff binary")
	flag.IntVar(&p.clusters, "clusters", 1000, "EDS clusters")
	flag.IntVar(&p.endpoints, "endpoints", 100, "endpoints per cluster")
	flag.IntVar(&p.changedClusters, "changed-clusters", 100, "clusters whose endpoints change")
	flag.IntVar(&p.changedEndpoints, "changed-endpoints", 10, "endpoints changed in each of them")
	flag.IntVar(&p.updates, "updates", 4, "timed updates per mode (and as many CPU rounds)")
	mode := flag.String("mode", "both", "sotw, delta or both")
	flag.Parse()
	if p.changedClusters < 1 || p.changedClusters > p.clusters || p.changedEndpoints < 1 || p.changedEndpoints > p.endpoints || p.updates < 1 {
		fmt.Fprintln(os.Stderr, "xdsscale: need 1 <= changed-clusters <= clusters, 1 <= changed-endpoints <= endpoints, updates >= 1")
		os.Exit(2)
	}
	modes := map[string][]bool{"sotw": {false}, "delta": {true}, "both": {false, true}}[*mode]
	if modes == nil {
		fmt.Fprintln(os.Stderr, "xdsscale: -mode is sotw, delta or both")
		os.Exit(2)
	}
	for _, d := range modes {
		r, err := run(p, d)
		if err != nil {
			fmt.Fprintln(os.Stderr, "xdsscale:", err)
			os.Exit(1)
		}
		fmt.Println(r)
	}
}
