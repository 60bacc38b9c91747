package engine

import "github.com/panjf2000/gnet/v2"

// Handler receives the events of one connection. All methods run on the
// connection's loop. The engine keeps its own value as the connection's gnet
// context; a handler must not replace it with SetContext.
type Handler interface {
	// OnOpen is called once the connection is served by loop l.
	OnOpen(l *Loop, c gnet.Conn)
	// OnTraffic is called when bytes arrived or the connection was woken.
	// Bytes the handler does not consume stay buffered in gnet.
	OnTraffic(c gnet.Conn)
	// OnClose is called when gnet closes the connection: err is nil for a
	// local close, an error wrapping io.EOF for a clean end of stream from
	// the peer, another error otherwise. The file descriptor is still open
	// during the call (gnet closes it afterwards), so a handler may dup it
	// to keep the socket for writing after the peer's half-close.
	OnClose(c gnet.Conn, err error)
}

// bound is a served connection's gnet context: its handler and its loop.
type bound struct {
	h Handler
	l *Loop
}

// Flusher is output collected during an event and written after it; see
// Loop.FlushAfter.
type Flusher interface {
	Flush()
}
