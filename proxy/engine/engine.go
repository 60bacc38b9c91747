package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// ErrStopped is returned when work is handed to an engine that has stopped.
var ErrStopped = errors.New("engine: stopped")

// Options configure an Engine.
type Options struct {
	// Loops is the number of event loops; 0 means GOMAXPROCS.
	Loops int
	// ReadBufferCap is the per-loop read buffer (one read's maximum); 0 means 64 KiB.
	ReadBufferCap int
	// Logger receives engine and gnet logs; nil means slog.Default().
	Logger *slog.Logger
	// OnTick, if set, is called about once a second from a goroutine that is
	// not a loop (for gauges such as server.uptime).
	OnTick func()
}

// Engine owns a gnet engine and the per-loop state of its loops.
type Engine struct {
	opts  Options
	log   *slog.Logger
	gnet  gnet.Engine
	ready chan struct{}
	done  chan error

	readyOnce sync.Once
	mu        sync.Mutex
	loops     map[gnet.EventLoop]*Loop
	stopped   bool
	opening   sync.WaitGroup // Register and Enroll calls a loop has yet to open
}

// beginOpen counts a connection being handed to a loop, unless the engine
// is stopping; the caller ends it with e.opening.Done. Stop waits for these:
// gnet waits for the loop to open a handed-in connection, and a loop that
// stops first would leave that wait, and the socket, hanging forever.
func (e *Engine) beginOpen() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return false
	}
	e.opening.Add(1)
	return true
}

// Start runs the event loops and returns once they accept work.
func Start(opts Options) (*Engine, error) {
	if opts.Loops <= 0 {
		opts.Loops = runtime.GOMAXPROCS(0)
	}
	if opts.ReadBufferCap <= 0 {
		opts.ReadBufferCap = 64 << 10
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	e := &Engine{
		opts:  opts,
		log:   opts.Logger,
		ready: make(chan struct{}),
		done:  make(chan error, 1),
		loops: make(map[gnet.EventLoop]*Loop, opts.Loops),
	}
	h := &events{e: e}
	go func() {
		// gnet needs one listener of its own; all real listeners accept in Go.
		e.done <- gnet.Run(h, "tcp://127.0.0.1:0",
			gnet.WithNumEventLoop(opts.Loops),
			gnet.WithLoadBalancing(gnet.LeastConnections),
			gnet.WithReadBufferCap(opts.ReadBufferCap),
			gnet.WithTicker(true),
			gnet.WithLogger(gnetLogger{opts.Logger}),
		)
	}()
	select {
	case <-e.ready:
		return e, nil
	case err := <-e.done:
		if err == nil {
			err = ErrStopped
		}
		return nil, fmt.Errorf("engine: start: %w", err)
	case <-time.After(10 * time.Second):
		return nil, errors.New("engine: start: event loops did not come up within 10s")
	}
}

// NumLoops is the number of event loops; loop indices are 0..NumLoops()-1.
func (e *Engine) NumLoops() int { return e.opts.Loops }

// Register hands an accepted connection to the least-loaded loop and waits
// until the loop has opened it. The engine takes ownership of nc (it is
// duplicated into gnet and closed). On success h.OnOpen has run on the
// loop; on failure nc is closed and h sees no event. It must not be called
// on a loop goroutine.
func (e *Engine) Register(nc net.Conn, h Handler) error {
	if !e.beginOpen() {
		_ = nc.Close()
		return ErrStopped
	}
	defer e.opening.Done()
	ctx := gnet.NewNetConnContext(gnet.NewContext(context.Background(), h), nc)
	ch, err := e.gnet.Register(ctx)
	if err != nil {
		_ = nc.Close()
		return fmt.Errorf("engine: register: %w", err)
	}
	if res := <-ch; res.Err != nil {
		return fmt.Errorf("engine: register: %w", res.Err)
	}
	return nil
}

// Stop closes every connection and stops the loops.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		return nil
	}
	e.stopped = true
	loops := make([]*Loop, 0, len(e.loops))
	for _, l := range e.loops {
		loops = append(loops, l)
	}
	e.mu.Unlock()
	opened := make(chan struct{})
	go func() {
		e.opening.Wait()
		close(opened)
	}()
	select {
	case <-opened:
	case <-ctx.Done():
		e.log.Warn("engine: stopping with connections still being handed to loops")
	}
	for _, l := range loops {
		l.stopTimers()
	}
	if err := e.gnet.Stop(ctx); err != nil {
		return fmt.Errorf("engine: stop: %w", err)
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// loop returns the state of el, creating it on first sight.
func (e *Engine) loop(el gnet.EventLoop) *Loop {
	e.mu.Lock()
	defer e.mu.Unlock()
	if l, ok := e.loops[el]; ok {
		return l
	}
	l := newLoop(e, el, len(e.loops))
	e.loops[el] = l
	return l
}
