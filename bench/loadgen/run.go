//go:build linux

package loadgen

import (
	"fmt"
	"net/netip"
	"runtime"
)

// Hooks are called on the generator's goroutine when the measured window
// opens and closes; they must return quickly. Either may be nil.
type Hooks struct {
	MeasureStart func()
	MeasureEnd   func()
}

// Run dials cfg.Conns connections to cfg.Addr, runs the warm-up, the
// measured window and the drain, and closes the connections.
//
// All connections are served by one epoll loop on one locked OS thread.
// Once the connections are up, a request costs one write, one or more
// reads and no allocation, in either protocol (in Closed mode the sample
// buffer may grow past its initial estimate). In Open mode the loop sleeps on a timerfd
// until cfg.Spin before the next scheduled send, then busy-polls epoll
// with a zero timeout, calling sched_yield between polls, until the send
// time; this removes the wake-up latency of a halted vCPU from the
// schedule.
func Run(cfg Config, hooks Hooks) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	addr, err := netip.ParseAddrPort(cfg.Addr)
	if err != nil {
		return Result{}, fmt.Errorf("loadgen: addr %q: %w", cfg.Addr, err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var g generatorRun
	if cfg.Protocol == Dubbo {
		g, err = newDubboGen(cfg, addr, hooks)
	} else {
		g, err = newGenerator(cfg, addr, hooks)
	}
	if err != nil {
		return Result{}, err
	}
	defer g.close()
	if err := drive(g); err != nil {
		return Result{}, err
	}
	return g.result(), nil
}

// generatorRun is a generator of either kind, set up and connected.
type generatorRun interface {
	generatorLoop
	close()
	result() Result
}

type phase int

const (
	warming phase = iota
	measuring
	draining
)

// conn is one client connection. Times are nanoseconds since the run's start.
type conn struct {
	fd     int
	got    int        // Echo: bytes of the outstanding response received so far
	resp   respParser // HTTP: framing of the outstanding response
	busy   bool       // a request is outstanding
	due    int64      // Open: scheduled time of the next request
	origin int64      // latency origin of the outstanding request
	freeAt int64      // when the last response completed
}

// generator is the state of one run; it belongs to the goroutine in Run.
type generator struct {
	base
	conns    []conn
	msg, buf []byte
	interval int64
}

func newGenerator(cfg Config, addr netip.AddrPort, hooks Hooks) (*generator, error) {
	k, err := newBase(cfg, hooks)
	if err != nil {
		return nil, err
	}
	g := &generator{base: k, conns: make([]conn, 0, cfg.Conns)}
	if cfg.Protocol == HTTP {
		g.msg, g.buf = httpRequest(addr, cfg.Path), make([]byte, httpReadBuf)
	} else {
		g.msg, g.buf = echoMessage(cfg.Size)
	}
	err = g.dialAll(addr, func(fd int) {
		c := conn{fd: fd}
		if cfg.Protocol == HTTP {
			c.resp = newRespParser()
		}
		g.conns = append(g.conns, c)
	})
	if err != nil {
		g.close()
		return nil, err
	}
	if cfg.Mode == Open {
		g.interval = int64(cfg.interval())
	}
	g.schedule()
	return g, nil
}

// schedule fixes the run's clock origin, window edges and first sends.
func (g *generator) schedule() {
	g.setEdges()
	period := g.interval / int64(len(g.conns))
	for i := range g.conns {
		g.conns[i].due = int64(i) * period
	}
	g.startClock()
}

// done reports whether every request of the window has completed, or the
// drain deadline has passed.
func (g *generator) done(now int64) bool {
	if now >= g.drainEnd {
		return true
	}
	if now < g.end {
		return false
	}
	return g.pending() == 0
}

// pending counts outstanding requests plus, in Open mode, scheduled ones
// of the window that were never sent.
func (g *generator) pending() int {
	n := 0
	for i := range g.conns {
		c := &g.conns[i]
		if c.busy && c.origin >= g.warmEnd {
			n++
		}
		if g.cfg.Mode == Open && c.due < g.end {
			n += int((g.end - c.due + g.interval - 1) / g.interval)
		}
	}
	return n
}

func (g *generator) result() Result { return g.base.result(g.pending()) }
