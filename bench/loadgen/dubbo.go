//go:build linux

package loadgen

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"time"

	"github.com/skiffmesh/skiff/bench/dubbocall"
	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// ErrUnknownID is wrapped by the error of a Dubbo response whose ID
// matches no outstanding request of its connection.
var ErrUnknownID = errors.New("loadgen: response to no outstanding request")

// dubboReadBuf is each Dubbo connection's input buffer: one frame of the
// largest accepted size fits, so an incomplete frame always does.
const dubboReadBuf = dubbo.HeaderSize + dubbocall.MaxFrame

// dubboConn is one multiplexed Dubbo connection.
type dubboConn struct {
	fd    int
	in    []byte // received bytes not yet framed (cap dubboReadBuf)
	out   []byte // frames queued for the next write
	slots slots
}

// dubboGen is the state of one Dubbo run; it belongs to the goroutine in
// Run. Times are nanoseconds since the run's start.
type dubboGen struct {
	base
	conns []dubboConn
	msg   []byte // the request; its ID is rewritten for every send
	// Open mode: request k is due at k*perReq; next is the next to send,
	// first and stop the first ones due in the window and after it.
	// stalled is set while next waits for a free slot on its connection.
	perReq            float64
	next, first, stop int64
	stalled           bool
}

func newDubboGen(cfg Config, addr netip.AddrPort, hooks Hooks) (*dubboGen, error) {
	msg, err := dubbocall.Request(0, cfg.Size)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	k, err := newBase(cfg, hooks)
	if err != nil {
		return nil, err
	}
	g := &dubboGen{base: k, msg: msg, conns: make([]dubboConn, 0, cfg.Conns)}
	err = g.dialAll(addr, func(fd int) {
		g.conns = append(g.conns, dubboConn{
			fd: fd, in: make([]byte, 0, dubboReadBuf),
			out: make([]byte, 0, len(msg)*cfg.Window), slots: newSlots(cfg.Window),
		})
	})
	if err != nil {
		g.close()
		return nil, err
	}
	g.schedule()
	return g, nil
}

// schedule fixes the run's clock origin, window edges and send schedule.
func (g *dubboGen) schedule() {
	g.setEdges()
	if g.cfg.Mode == Open {
		g.perReq = float64(time.Second) / g.cfg.Rate
		g.first, g.stop = g.firstAt(g.warmEnd), g.firstAt(g.end)
	}
	g.startClock()
}

// firstAt is the first request due at or after t (Open mode).
func (g *dubboGen) firstAt(t int64) int64 {
	k := int64(math.Ceil(float64(t) / g.perReq))
	for k > 0 && g.due(k-1) >= t {
		k--
	}
	for g.due(k) < t {
		k++
	}
	return k
}

// due is the scheduled send time of request k (Open mode).
func (g *dubboGen) due(k int64) int64 { return int64(float64(k) * g.perReq) }

// done reports whether every request of the window has completed, or the
// drain deadline has passed.
func (g *dubboGen) done(now int64) bool {
	if now >= g.drainEnd {
		return true
	}
	return now >= g.end && g.pending() == 0
}

// pending counts outstanding requests of the window plus, in Open mode,
// scheduled ones of the window not sent yet.
func (g *dubboGen) pending() int {
	n := 0
	for i := range g.conns {
		n += g.conns[i].slots.since(g.warmEnd)
	}
	if g.cfg.Mode == Open && g.next < g.stop {
		n += int(g.stop - max(g.next, g.first))
	}
	return n
}

func (g *dubboGen) result() Result { return g.base.result(g.pending()) }
