package engine

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"
)

// events adapts gnet's EventHandler to per-connection Handlers.
type events struct {
	gnet.BuiltinEventEngine
	e *Engine
}

var _ gnet.EventHandler = (*events)(nil)

func (h *events) OnBoot(eng gnet.Engine) gnet.Action {
	h.e.gnet = eng
	return gnet.None
}

// OnTick fires first right after the loops started: that is readiness.
func (h *events) OnTick() (time.Duration, gnet.Action) {
	h.e.readyOnce.Do(func() { close(h.e.ready) })
	if h.e.opts.OnTick != nil {
		h.e.opts.OnTick()
	}
	return time.Second, gnet.None
}

func (h *events) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	hd, ok := c.Context().(Handler)
	if !ok {
		// Only the engine's own placeholder listener accepts natively.
		return nil, gnet.Close
	}
	l := h.e.loop(c.EventLoop())
	c.SetContext(&bound{h: hd, l: l})
	hd.OnOpen(l, c)
	l.flushQueued()
	return nil, gnet.None
}

func (h *events) OnTraffic(c gnet.Conn) gnet.Action {
	if b, ok := c.Context().(*bound); ok {
		b.h.OnTraffic(c)
		b.l.flushQueued()
		return gnet.None
	}
	return gnet.Close
}

func (h *events) OnClose(c gnet.Conn, err error) gnet.Action {
	if b, ok := c.Context().(*bound); ok {
		b.h.OnClose(c, err)
		b.l.flushQueued()
	}
	return gnet.None
}

// gnetLogger sends gnet's own logs to slog at debug level (warnings and
// errors keep their level).
type gnetLogger struct{ l *slog.Logger }

var _ logging.Logger = gnetLogger{}

func (g gnetLogger) Debugf(f string, a ...any) { g.l.Debug("gnet", "msg", fmt.Sprintf(f, a...)) }
func (g gnetLogger) Infof(f string, a ...any)  { g.l.Debug("gnet", "msg", fmt.Sprintf(f, a...)) }
func (g gnetLogger) Warnf(f string, a ...any)  { g.l.Warn("gnet", "msg", fmt.Sprintf(f, a...)) }
func (g gnetLogger) Errorf(f string, a ...any) { g.l.Error("gnet", "msg", fmt.Sprintf(f, a...)) }
func (g gnetLogger) Fatalf(f string, a ...any) { g.l.Error("gnet", "msg", fmt.Sprintf(f, a...)) }
