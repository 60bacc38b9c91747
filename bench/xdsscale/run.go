package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"time"

	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
)

// result is one mode's numbers.
type result struct {
	p                     params
	delta                 bool
	initial, initialCPU   time.Duration
	initialRSS, updateRSS uint64
	installed             []time.Duration // per update
	skiffCPU, controlCPU  time.Duration   // per update, averaged
	traffic               time.Duration
	failed                int
}

func (r result) String() string {
	name := "state of the world"
	if r.delta {
		name = "delta"
	}
	slices.Sort(r.installed)
	return fmt.Sprintf("%s: %d clusters, %d endpoints: ready after %v (Skiff CPU %v), Skiff RSS %.0f MiB; "+
		"%d endpoints moved in %d clusters (%d updates): installed after %v median [%v-%v], Skiff CPU %v per update, "+
		"control plane CPU %v per update; new endpoints carrying traffic after %v (%d failed requests); Skiff RSS after the updates %.0f MiB",
		name, r.p.clusters, r.p.clusters*r.p.endpoints, ms(r.initial), ms(r.initialCPU), mib(r.initialRSS),
		r.p.changedClusters*r.p.changedEndpoints, r.p.changedClusters, len(r.installed),
		ms(r.installed[len(r.installed)/2]), ms(r.installed[0]), ms(r.installed[len(r.installed)-1]),
		ms(r.skiffCPU), ms(r.controlCPU), ms(r.traffic), r.failed, mib(r.updateRSS))
}

// run measures one mode: this process serves the configuration to a skiff child.
func run(p params, delta bool) (result, error) {
	r := result{p: p, delta: delta}
	topo, stopBackends, err := newTopology(p)
	if err != nil {
		return r, err
	}
	defer stopBackends()
	cache := cachev3.NewSnapshotCache(true, cachev3.IDHash{}, nil)
	addr, stopCP, err := serveControlPlane(cache)
	if err != nil {
		return r, err
	}
	defer stopCP()
	if err := push(cache, topo, "1", 0); err != nil {
		return r, err
	}
	dir, err := os.MkdirTemp("", "xdsscale")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	sk, err := startSkiff(p.skiff, dir, addr, delta)
	if err != nil {
		return r, err
	}
	defer sk.stop()
	r.initial = time.Since(start)
	if r.initialCPU, err = sk.cpu(); err != nil {
		return r, err
	}
	if r.initialRSS, err = sk.rss(); err != nil {
		return r, err
	}
	version := 1
	var skiffCPU, controlCPU time.Duration
	for i := range 2 * p.updates {
		version++
		// Even rounds time the install (polling /stats, which costs Skiff CPU); odd rounds
		// measure the CPU without polling.
		inst, sc, cc, err := update(cache, topo, sk, version, (i+1)%2, i%2 == 0)
		if err != nil {
			return r, err
		}
		if i%2 == 0 {
			r.installed = append(r.installed, inst)
		} else {
			skiffCPU, controlCPU = skiffCPU+sc, controlCPU+cc
		}
	}
	r.skiffCPU, r.controlCPU = skiffCPU/time.Duration(p.updates), controlCPU/time.Duration(p.updates)
	if r.updateRSS, err = sk.rss(); err != nil {
		return r, err
	}
	version++
	r.traffic, r.failed, err = trafficUpdate(cache, topo, version)
	return r, err
}

// settle is how long a CPU round waits after the push before it reads the CPU times.
const settle = 1500 * time.Millisecond

// update pushes generation g and waits until Skiff has installed it (its EDS update_success
// counter moved, which happens after a whole response is installed): polling when timed, else
// for settle. It returns the time from the push (timed rounds), Skiff's CPU and the control
// plane's CPU meanwhile.
func update(cache cachev3.SnapshotCache, topo *topology, sk *skiffProc, version, g int, timed bool) (time.Duration, time.Duration, time.Duration, error) {
	snap, err := topo.snapshot(fmt.Sprint(version), g)
	if err != nil {
		return 0, 0, 0, err
	}
	const counter = "cluster_manager.eds.update_success"
	before, err := sk.counter(counter)
	if err != nil {
		return 0, 0, 0, err
	}
	cpu0, err := sk.cpu()
	if err != nil {
		return 0, 0, 0, err
	}
	cp0, pushed := cpuTime(), time.Now()
	if err := cache.SetSnapshot(context.Background(), node, snap); err != nil {
		return 0, 0, 0, err
	}
	if !timed {
		time.Sleep(settle)
	}
	for {
		n, err := sk.counter(counter)
		if err != nil {
			return 0, 0, 0, err
		}
		if n > before {
			break
		}
		if time.Since(pushed) > time.Minute {
			return 0, 0, 0, fmt.Errorf("version %d not installed after a minute", version)
		}
		time.Sleep(time.Millisecond)
	}
	installed, cpCPU := time.Since(pushed), cpuTime()-cp0
	cpu1, err := sk.cpu()
	return installed, cpu1 - cpu0, cpCPU, err
}

// trafficUpdate pushes generation 1 while requests go through listener "probe" and returns the
// time from the push until one was answered by a new endpoint.
func trafficUpdate(cache cachev3.SnapshotCache, topo *topology, version int) (time.Duration, int, error) {
	snap, err := topo.snapshot(fmt.Sprint(version), 1)
	if err != nil {
		return 0, 0, err
	}
	pushed := time.Now()
	if err := cache.SetSnapshot(context.Background(), node, snap); err != nil {
		return 0, 0, err
	}
	at, failed, err := probe(topo.probe.String(), pushed.Add(time.Minute))
	return at.Sub(pushed), failed, err
}

func serveControlPlane(cache cachev3.SnapshotCache) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	gs := grpc.NewServer(grpc.MaxRecvMsgSize(1<<30), grpc.MaxSendMsgSize(1<<30))
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(gs, serverv3.NewServer(context.Background(), cache, nil))
	go func() { _ = gs.Serve(ln) }()
	return ln.Addr().String(), gs.Stop, nil
}

func push(cache cachev3.SnapshotCache, topo *topology, version string, g int) error {
	snap, err := topo.snapshot(version, g)
	if err != nil {
		return err
	}
	return cache.SetSnapshot(context.Background(), node, snap)
}

func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
