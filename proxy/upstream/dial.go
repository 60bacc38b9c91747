package upstream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrConnectTimeout is returned by Dial when connect_timeout expired.
var ErrConnectTimeout = errors.New("upstream: connect timeout")

// Dialer connects to hosts. Every socket it makes carries Mark (SO_MARK)
// when Mark is non-zero, so interception rules recognise the proxy's own
// traffic.
type Dialer struct {
	Mark uint32
}

// Dial connects to h within timeout. It blocks: call it off the loops.
func (d Dialer) Dial(ctx context.Context, h *Host, timeout time.Duration) (net.Conn, error) {
	return d.DialFrom(ctx, h, timeout, netip.Addr{})
}

// DialFrom is Dial with the local address bound to src when src is valid
// (a cluster's upstream_bind_config).
func (d Dialer) DialFrom(ctx context.Context, h *Host, timeout time.Duration, src netip.Addr) (net.Conn, error) {
	nd := net.Dialer{Timeout: timeout, Control: d.control}
	if src.IsValid() {
		nd.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(src, 0))
	}
	limit := time.Now().Add(timeout)
	nc, err := nd.DialContext(ctx, "tcp", h.Addr().String())
	if err != nil {
		if timeout > 0 && connectTimedOut(ctx, err, limit) {
			return nil, fmt.Errorf("%w after %v: %s", ErrConnectTimeout, timeout, h.Addr())
		}
		return nil, fmt.Errorf("upstream: connect %s: %w", h.Addr(), err)
	}
	return nc, nil
}

// connectTimedOut reports whether err is the dial timeout ending at limit
// rather than ctx ending. The dialler uses the earlier of the two as its
// deadline and may fail before ctx reports its own expiry, so the deadlines
// are compared, not just ctx.Err.
func connectTimedOut(ctx context.Context, err error, limit time.Time) bool {
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || ctx.Err() != nil {
		return false
	}
	d, ok := ctx.Deadline()
	return !ok || !d.Before(limit)
}

func (d Dialer) control(_, _ string, rc syscall.RawConn) error {
	if d.Mark == 0 {
		return nil
	}
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_MARK, int(d.Mark))
	})
	if err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("upstream: set SO_MARK %#x: %w", d.Mark, serr)
	}
	return nil
}
