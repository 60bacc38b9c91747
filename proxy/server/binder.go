package server

import (
	"context"
	"fmt"
	"net"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/skiffmesh/skiff/proxy/config"
)

// Binder makes the listening socket of a listener. The server calls it when
// a listener first appears (or its address changes).
type Binder interface {
	Listen(l *config.Listener) (net.Listener, error)
}

// BinderFunc adapts a function to Binder.
type BinderFunc func(l *config.Listener) (net.Listener, error)

// Listen calls f.
func (f BinderFunc) Listen(l *config.Listener) (net.Listener, error) { return f(l) }

// SocketBinder binds new sockets with the listener's socket options:
// IP_TRANSPARENT/IPV6_TRANSPARENT for `transparent: true` and SO_MARK for a
// socket_options mark (or Mark, when the listener sets none). Options are set
// before bind.
type SocketBinder struct {
	Mark uint32
}

// Listen implements Binder.
func (b SocketBinder) Listen(l *config.Listener) (net.Listener, error) {
	lc := net.ListenConfig{Control: func(network, _ string, rc syscall.RawConn) error {
		return controlListener(rc, network, l, b.Mark)
	}}
	network := "tcp"
	if l.Address.Addr().Is4() {
		network = "tcp4" // 0.0.0.0 is an IPv4 socket, as in Envoy (Go's "tcp" makes it dual-stack [::])
	}
	ln, err := lc.Listen(context.Background(), network, l.Address.String())
	if err != nil {
		return nil, fmt.Errorf("listener %q: %w", l.Name, err)
	}
	return ln, nil
}

func controlListener(rc syscall.RawConn, network string, l *config.Listener, mark uint32) error {
	if l.SocketMark != 0 {
		mark = l.SocketMark
	}
	var serr error
	err := rc.Control(func(fd uintptr) {
		if l.Transparent {
			if network == "tcp6" {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_TRANSPARENT, 1)
			} else {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_TRANSPARENT, 1)
			}
			if serr != nil {
				serr = fmt.Errorf("set transparent: %w", serr)
				return
			}
		}
		if mark != 0 {
			if e := unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_MARK, int(mark)); e != nil {
				serr = fmt.Errorf("set SO_MARK %#x: %w", mark, e)
			}
		}
	})
	if err != nil {
		return err
	}
	return serr
}
