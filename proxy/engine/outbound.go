package engine

import (
	"reflect"
	"unsafe"

	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/buffer/elastic"
)

// TakeOutbound removes and returns the bytes gnet still holds for sending
// on c. It exists for half-close: when the peer shuts down its write side,
// gnet closes the connection and would flush its outbound buffer without
// waiting for the socket to become writable, losing what does not fit. A
// handler calls TakeOutbound from OnClose, keeps the socket with a dup and
// delivers the bytes itself. ok is false when the gnet build's layout is not
// the one this was written for (gnet v2.10: conn.outboundBuffer of type
// elastic.Buffer); nothing is taken then. Loop only.
func TakeOutbound(c gnet.Conn) (data []byte, ok bool) {
	if c.OutboundBuffered() == 0 {
		return nil, true
	}
	buf, ok := outboundBuffer(c)
	if !ok {
		return nil, false
	}
	bs, err := buf.Peek(-1)
	if err != nil {
		return nil, false
	}
	for _, b := range bs {
		data = append(data, b...)
	}
	_, _ = buf.Discard(len(data))
	return data, true
}

func outboundBuffer(c gnet.Conn) (buf *elastic.Buffer, ok bool) {
	defer func() {
		if recover() != nil {
			buf, ok = nil, false
		}
	}()
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil, false
	}
	f := v.Elem().FieldByName("outboundBuffer")
	if !f.IsValid() || f.Type() != reflect.TypeFor[elastic.Buffer]() || !f.CanAddr() {
		return nil, false
	}
	return (*elastic.Buffer)(unsafe.Pointer(f.UnsafeAddr())), true
}
