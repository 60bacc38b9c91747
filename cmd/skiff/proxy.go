package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"

	"github.com/skiffmesh/skiff/proxy/admin"
	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/server"
	"github.com/skiffmesh/skiff/proxy/xds"
)

// initTimeout bounds how long startup waits for clusters (STRICT_DNS) before
// serving anyway.
const initTimeout = 30 * time.Second

func runProxy(args []string, _, stderr io.Writer) int {
	f, err := parseProxyFlags("proxy", args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "skiff proxy: %v\n", err)
		return 2
	}
	log, level, err := newLogger(f, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "skiff proxy: %v\n", err)
		return 2
	}
	snap, err := loadSnapshot(f)
	if err != nil {
		fmt.Fprintf(stderr, "skiff proxy: %v\n", err)
		return 1
	}
	if err := serve(f, snap, log, level); err != nil {
		log.Error("skiff stopped", "err", err)
		return 1
	}
	return 0
}

// loadSnapshot reads and translates the bootstrap, applying command-line
// overrides.
func loadSnapshot(f *proxyFlags) (*config.Snapshot, error) {
	b, err := config.Load(f.configPath)
	if err != nil {
		return nil, err
	}
	if f.serviceNode != "" || f.serviceCluster != "" {
		if b.Node == nil {
			b.Node = &corev3.Node{}
		}
		if f.serviceNode != "" {
			b.Node.Id = f.serviceNode
		}
		if f.serviceCluster != "" {
			b.Node.Cluster = f.serviceCluster
		}
	}
	snap, err := config.Translate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.configPath, err)
	}
	if f.adminAddress != "" {
		ap, err := netip.ParseAddrPort(f.adminAddress)
		if err != nil {
			return nil, fmt.Errorf("--admin-address: %w", err)
		}
		snap.Admin.Address = ap
	}
	return snap, nil
}

// serve runs the proxy until a signal or /quitquitquit, then drains.
func serve(f *proxyFlags, snap *config.Snapshot, log *slog.Logger, level *slog.LevelVar) error {
	for _, w := range snap.Warnings {
		log.Warn("config", "warning", w)
	}
	// Caught from before anything is bound: from then on a signal drains, never kills. One that
	// arrives before the proxy is live also cuts short the wait for clusters (starting).
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sig)
	starting, stopStarting := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stopStarting()
	loops := sizeRuntime(f.concurrency)
	srv, err := server.New(server.Options{
		Filters: httpFilters(),
		Loops:   loops, Logger: log, Mark: uint32(f.mark), Version: version,
	})
	if err != nil {
		return err
	}
	quit := make(chan struct{}, 1)
	adm, err := admin.Start(snap.Admin.Address.String(), admin.Options{
		Server: srv, LogLevel: level, Logger: log,
		Quit: func() {
			select {
			case quit <- struct{}{}:
			default:
			}
		},
		CommandLine: map[string]any{
			"config_path": f.configPath, "concurrency": srv.Options().Loops,
			"drain_time": fmt.Sprintf("%ds", int(f.drainTime.Seconds())),
			"log_level":  f.logLevel, "service_node": f.serviceNode, "service_cluster": f.serviceCluster,
		},
	})
	if err != nil {
		_ = srv.Shutdown(context.Background(), 0)
		return err
	}
	defer func() { _ = adm.Close(context.Background()) }()
	var dyn *server.Dynamic
	if snap.Dynamic != nil {
		dyn = srv.EnableDynamic(server.DynamicOptions{DrainTime: f.drainTime})
	}
	if err := srv.Apply(snap); err != nil {
		_ = srv.Shutdown(context.Background(), 0)
		return err
	}
	ready, timeout, stopXDS := srv.WaitReady, initTimeout, func() {}
	if dyn != nil {
		client, stop, err := startXDS(snap, srv, dyn, log)
		if err != nil {
			_ = srv.Shutdown(context.Background(), 0)
			return err
		}
		defer stop()
		stopXDS = stop
		// The initial_fetch_timeouts bound the wait for the control plane.
		ready = func(ctx context.Context) error { return dyn.WaitReady(ctx, client.Initialized()) }
		timeout = 0
	}
	if waitInit(starting, ready, timeout, log) {
		log.Info("skiff is live", "version", version, "admin", adm.Addr().String(),
			"listeners", len(snap.Listeners), "clusters", len(snap.Clusters), "loops", srv.Options().Loops)
	}
	select {
	case s := <-sig:
		log.Info("draining", "signal", s.String(), "drain_time", f.drainTime)
	case <-quit:
		log.Info("draining", "reason", "/quitquitquit", "drain_time", f.drainTime)
	}
	go func() { // a second signal skips the drain
		<-sig
		log.Warn("second signal: exiting without draining")
		os.Exit(1)
	}()
	stopXDS() // no listener may come back while the server drains
	if err := srv.Shutdown(context.Background(), f.drainTime); err != nil {
		return err
	}
	log.Info("skiff stopped")
	return nil
}

// waitInit waits up to timeout (0: no limit) for ready, which initialises the clusters (and with
// xDS the first dynamic configuration) and marks the server live. It returns false when ctx
// ended first (a signal, which serve's own signal channel has too).
func waitInit(ctx context.Context, ready func(context.Context) error, timeout time.Duration, log *slog.Logger) bool {
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		tctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	err := ready(tctx)
	switch {
	case err == nil:
		return true
	case ctx.Err() != nil:
		return false
	}
	log.Warn("serving before every cluster is initialised", "err", err)
	return true
}

// sizeRuntime returns the number of event loops for --concurrency (0: one per CPU) and, unless
// GOMAXPROCS is set in the environment, gives the Go runtime one P more than that for the accept,
// admin and control goroutines.
func sizeRuntime(concurrency int) int {
	if concurrency <= 0 {
		concurrency = runtime.NumCPU()
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(concurrency + 1)
	}
	return concurrency
}

// startXDS starts the ADS client of a bootstrap with dynamic_resources; stop ends it and waits.
func startXDS(snap *config.Snapshot, srv *server.Server, dyn *server.Dynamic, log *slog.Logger) (*xds.Client, func(), error) {
	opts := xds.Options{
		Config: snap.Dynamic, Node: snap.Node, Target: dyn, Stats: srv.Stats(), Logger: log,
	}
	for _, c := range snap.Clusters {
		opts.StaticClusters = append(opts.StaticClusters, c.Name)
	}
	for _, l := range snap.Listeners {
		opts.StaticListeners = append(opts.StaticListeners, l.Name)
	}
	client, err := xds.New(opts)
	if err != nil {
		return nil, nil, err
	}
	dyn.SetDump(client.Dump)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		client.Run(ctx)
	}()
	var once sync.Once
	return client, func() { once.Do(func() { cancel(); <-done }) }, nil
}
