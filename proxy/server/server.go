package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/proxy/config"
	dubboproxy "github.com/skiffmesh/skiff/proxy/dubbo"
	"github.com/skiffmesh/skiff/proxy/engine"
	"github.com/skiffmesh/skiff/proxy/httpcm"
	"github.com/skiffmesh/skiff/proxy/stats"
	"github.com/skiffmesh/skiff/proxy/tcpproxy"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// State is Envoy's server.state: 0 live, 1 draining, 2 pre-initializing,
// 3 initializing.
type State int32

// Server states.
const (
	Live State = iota
	Draining
	PreInitializing
	Initializing
)

func (s State) String() string {
	return [...]string{"LIVE", "DRAINING", "PRE_INITIALIZING", "INITIALIZING"}[s]
}

// Options configure a Server.
type Options struct {
	Loops   int          // event loops (Envoy's --concurrency); 0 = GOMAXPROCS
	Logger  *slog.Logger // nil = slog.Default()
	Binder  Binder       // nil = SocketBinder{Mark: Mark}
	Mark    uint32       // SO_MARK on upstream sockets (and listeners without their own); 0 = none
	Version string       // reported by /server_info
	// Resolver for STRICT_DNS clusters; nil = net.DefaultResolver.
	Resolver upstream.Resolver
	// Filters are the HTTP filters configs may name; nil = none.
	Filters *filters.Registry
}

// Server is one proxy instance. Many can run in one process.
type Server struct {
	opts       Options
	log        *slog.Logger
	store      *stats.Store
	stats      *serverStats
	eng        *engine.Engine
	clusters   *upstream.Manager
	runtime    *Runtime
	tcpDeps    tcpproxy.Deps
	httpShared *httpcm.Shared

	// dubboShared is the state of the Dubbo connection managers (dubbo_proxy).
	dubboShared *dubboproxy.Shared

	started time.Time

	state  atomic.Int32
	active atomic.Int64 // downstream connections being served

	mu        sync.Mutex
	snap      atomic.Pointer[config.Snapshot]
	local     atomic.Pointer[localAddrs]
	listeners map[string]*listener
	dyn       *Dynamic // the xDS side (dynamic.go); nil for a static-only server
	closed    bool
	memory    *memoryReleaser // returns memory after large applies (memory.go); nil until one

	handoff atomic.Pointer[handoffIndex] // listeners by address, for use_original_dst (original.go)
	skipped *stats.Counter               // listener_manager.telemetry_filters_skipped (original.go)
}

// New starts the event loops of a server with no config.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Loops <= 0 {
		opts.Loops = runtime.GOMAXPROCS(0)
	}
	if opts.Binder == nil {
		opts.Binder = SocketBinder{Mark: opts.Mark}
	}
	s := &Server{
		opts:      opts,
		log:       opts.Logger,
		store:     stats.NewStore(opts.Loops),
		started:   time.Now(),
		listeners: map[string]*listener{},
	}
	s.stats = newServerStats(s.store, opts.Loops)
	s.state.Store(int32(PreInitializing))
	s.stats.update(s)
	s.clusters = upstream.NewManager(upstream.ManagerOptions{
		Stats: s.store, Loops: opts.Loops, Logger: opts.Logger,
		Resolver: opts.Resolver, HostStats: true,
	})
	s.runtime = newRuntime(s)
	dialer := upstream.Dialer{Mark: opts.Mark}
	s.tcpDeps = tcpproxy.Deps{
		Stats: s.store, Clusters: s.clusters, Dialer: dialer, Logger: s.log, IsOwnAddress: s.isOwnAddress,
	}
	registry := opts.Filters
	if registry == nil {
		registry = &filters.Registry{}
	}
	s.httpShared = &httpcm.Shared{
		Stats: s.store, Clusters: s.clusters, Dialer: dialer, Filters: registry,
		Logger: s.log, IsOwnAddress: s.isOwnAddress, OpenLogs: true,
	}
	s.dubboShared = &dubboproxy.Shared{
		Stats: s.store, Clusters: s.clusters, Dialer: dialer, Filters: registry,
		Logger: s.log, IsOwnAddress: s.isOwnAddress,
		Runtime: s.runtime.Get, // DCM: skiff.dubbo.* keys, read when a dubbo_proxy is compiled
	}
	eng, err := engine.Start(engine.Options{
		Loops: opts.Loops, Logger: opts.Logger, OnTick: func() { s.stats.update(s) },
	})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.eng = eng
	return s, nil
}

// Stats is the server's stats store.
func (s *Server) Stats() *stats.Store { return s.store }

// Clusters is the server's cluster manager.
func (s *Server) Clusters() *upstream.Manager { return s.clusters }

// Runtime is the server's runtime key store.
func (s *Server) Runtime() *Runtime { return s.runtime }

// Snapshot is the config in effect (nil before the first Apply).
func (s *Server) Snapshot() *config.Snapshot { return s.snap.Load() }

// State is the server's state.
func (s *Server) State() State { return State(s.state.Load()) }

// Uptime is the time since New.
func (s *Server) Uptime() time.Duration { return time.Since(s.started) }

// Options returns the options the server was made with.
func (s *Server) Options() Options { return s.opts }

// ActiveConnections is the number of downstream connections being served.
func (s *Server) ActiveConnections() int64 { return s.active.Load() }

// Apply makes snap the config in effect: clusters first, then listeners.
// A listener that keeps its address keeps its socket and takes the new
// filter chains for new connections; existing connections keep theirs. If a
// new listener cannot bind, Apply returns the error and the listeners of the
// previous snapshot keep running (clusters are already updated).
func (s *Server) Apply(snap *config.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("server: closed")
	}
	if err := s.Validate(snap); err != nil {
		return err
	}
	s.runtime.load(snap.Runtime) // first: skiff.stats.host_level applies to the hosts built next
	s.clusters.Apply(snap.Clusters)
	if err := s.applyListeners(snap.Listeners); err != nil {
		return err
	}
	s.snap.Store(snap)
	s.releaseAfterApply(snap) // memory.go: return the translation's garbage to the OS
	return nil
}

// WaitReady waits until every cluster is initialised, then marks the server
// live. Listeners are already accepting when it returns.
func (s *Server) WaitReady(ctx context.Context) error {
	s.state.CompareAndSwap(int32(PreInitializing), int32(Initializing))
	if err := s.clusters.WaitReady(ctx); err != nil {
		return err
	}
	s.state.CompareAndSwap(int32(Initializing), int32(Live))
	s.stats.update(s)
	return nil
}

// SetHealthy implements /healthcheck/ok (true) and /healthcheck/fail
// (false): failing puts a live server into DRAINING, so /ready answers 503.
func (s *Server) SetHealthy(ok bool) {
	if ok {
		s.state.CompareAndSwap(int32(Draining), int32(Live))
	} else {
		s.state.CompareAndSwap(int32(Live), int32(Draining))
	}
	s.stats.update(s)
}

func (s *Server) applyListeners(cfgs []*config.Listener) error {
	versions := make([]*listenerVersion, len(cfgs))
	for i, cfg := range cfgs {
		if v := s.unchangedVersion(cfg); v != nil {
			versions[i] = v // the same translated config: it keeps its version
			continue
		}
		v, err := s.compileListener(cfg)
		if err != nil {
			return err
		}
		versions[i] = v
		s.noteSkipped(cfg) // original.go
	}
	next := make(map[string]*listener, len(cfgs))
	var started []*listener
	for i, cfg := range cfgs {
		v := versions[i]
		if l, ok := s.listeners[cfg.Name]; ok && l.addr == cfg.Address && (l.ln != nil) == cfg.BindToPort {
			l.version.Store(v)
			next[cfg.Name] = l
			continue
		}
		l, err := s.startListener(cfg, v)
		if err != nil {
			for _, l := range started {
				l.stop()
			}
			return err
		}
		started = append(started, l)
		next[cfg.Name] = l
	}
	for name, l := range s.listeners {
		if next[name] != l {
			l.stop() // its connections carry on until they end or the drain deadline
		}
	}
	s.listeners = next
	s.refreshLocal()
	s.refreshHandoff() // original.go
	return nil
}

// Validate compiles a snapshot's listeners (route tables, HTTP filters)
// without applying anything: what Apply would reject, Validate rejects.
func (s *Server) Validate(snap *config.Snapshot) error {
	for _, cfg := range snap.Listeners {
		if _, err := s.compileListener(cfg); err != nil {
			return err
		}
	}
	return nil
}

// compileListener builds the connection factories of a listener's chains.
func (s *Server) compileListener(cfg *config.Listener) (*listenerVersion, error) {
	v := &listenerVersion{cfg: cfg, filters: map[*config.FilterChain]connFactory{}}
	chains := cfg.FilterChains
	if cfg.DefaultChain != nil {
		chains = append(chains[:len(chains):len(chains)], cfg.DefaultChain)
	}
	for i, ch := range chains {
		switch {
		case ch.TCPProxy != nil:
			f := tcpproxy.New(ch.TCPProxy, cfg.BufferLimit, s.tcpDeps)
			v.filters[ch] = func(l *listener) engine.Handler { return f.NewConn(l) }
		case ch.HTTP != nil:
			m, err := httpcm.New(s.dyn.routeConfig(ch.HTTP), cfg.BufferLimit, s.httpShared)
			if err != nil {
				return nil, fmt.Errorf("listener %q: filter_chains[%d]: http_connection_manager: %w", cfg.Name, i, err)
			}
			v.filters[ch] = func(l *listener) engine.Handler { return m.NewConn(l) }
			s.dyn.noteHTTP(v, ch.HTTP, m)
		case ch.Dubbo != nil:
			m, err := dubboproxy.New(ch.Dubbo, cfg.BufferLimit, s.dubboShared)
			if err != nil {
				return nil, fmt.Errorf("listener %q: filter_chains[%d]: dubbo_proxy: %w", cfg.Name, i, err)
			}
			v.filters[ch] = func(l *listener) engine.Handler { return m.NewConn(l) }
		default:
			return nil, fmt.Errorf("listener %q: filter_chains[%d]: no network filter", cfg.Name, i)
		}
	}
	s.dyn.trackConns(v)
	return v, nil
}

func (s *Server) startListener(cfg *config.Listener, v *listenerVersion) (*listener, error) {
	if !cfg.BindToPort {
		return s.startUnbound(cfg, v), nil // original.go
	}
	ln, err := s.opts.Binder.Listen(cfg)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	l := &listener{
		srv: s, name: cfg.Name, addr: cfg.Address, ln: ln,
		stats: newListenerStats(s.store, listenerStatName(cfg, ln.Addr())),
		done:  make(chan struct{}),
	}
	l.version.Store(v)
	go l.serve()
	s.log.Info("listener started", "name", cfg.Name, "address", ln.Addr().String())
	return l, nil
}

func (l *listener) stop() {
	if l.ln != nil { // nil: bind_to_port false (original.go)
		_ = l.ln.Close()
	}
	<-l.done
}

// Listeners returns the listening sockets by listener name (for handing to a
// successor process).
func (s *Server) Listeners() map[string]net.Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]net.Listener, len(s.listeners))
	for name, l := range s.listeners {
		if l.ln != nil { // nil: bind_to_port false (original.go)
			out[name] = l.ln
		}
	}
	return out
}

// ListenerAddrs returns the bound address of each listener by name (the
// configured address of a bind_to_port: false listener).
func (s *Server) ListenerAddrs() map[string]net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]net.Addr, len(s.listeners))
	for name, l := range s.listeners {
		out[name] = l.netAddr() // original.go
	}
	return out
}

// StopListening closes every listening socket (Envoy's /drain_listeners):
// no new connections; existing ones carry on.
func (s *Server) StopListening() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.listeners {
		l.stop()
	}
	s.listeners = map[string]*listener{}
	s.refreshLocal()
	s.refreshHandoff() // original.go
}

// Shutdown drains and stops the server: it stops accepting, waits until the
// downstream connections have ended or drainTime has passed (or ctx ends),
// then closes what is left and stops the loops.
func (s *Server) Shutdown(ctx context.Context, drainTime time.Duration) error {
	s.state.Store(int32(Draining))
	s.stats.update(s)
	s.StopListening()
	s.dubboShared.Drain() // READONLY to Dubbo consumers; their connections close when idle
	deadline := time.NewTimer(drainTime)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
wait:
	for s.active.Load() > 0 {
		select {
		case <-deadline.C:
			break wait
		case <-ctx.Done():
			break wait
		case <-tick.C:
		}
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stopMemoryRelease() // memory.go
	s.clusters.Stop()
	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.eng.Stop(stopCtx)
	s.httpShared.CloseLogs()
	return err
}

// ValidateSnapshot checks what Apply would check (route tables, HTTP filter
// configs) without starting anything: `skiff validate`.
func ValidateSnapshot(snap *config.Snapshot, reg *filters.Registry) error {
	if reg == nil {
		reg = &filters.Registry{}
	}
	store := stats.NewStore(1)
	clusters := upstream.NewManager(upstream.ManagerOptions{Stats: store, Loops: 1})
	s := &Server{
		store: store, clusters: clusters,
		tcpDeps:    tcpproxy.Deps{Stats: store, Clusters: clusters},
		httpShared: &httpcm.Shared{Stats: store, Clusters: clusters, Filters: reg},

		dubboShared: &dubboproxy.Shared{Stats: store, Clusters: clusters, Filters: reg},
	}
	return s.Validate(snap)
}
