package upstream

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// loopbackHost listens on 127.0.0.1:0, echoes what it reads, and returns a
// host for that address.
func loopbackHost(t *testing.T) *Host {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-done })
	return NewHost(ln.Addr().(*net.TCPAddr).AddrPort(), "", 1, 0, nil)
}

// deadHost is an address that was listened on and closed.
func deadHost(t *testing.T) *Host {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ap := ln.Addr().(*net.TCPAddr).AddrPort()
	_ = ln.Close()
	return NewHost(ap, "", 1, 0, nil)
}

// fullQueueHost is a listener with backlog 0 that never accepts, with its
// accept queue filled, so a new SYN is dropped and connecting hangs.
func fullQueueHost(t *testing.T) *Host {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	ap := netip.AddrPortFrom(netip.AddrFrom4(sa.(*unix.SockaddrInet4).Addr), uint16(sa.(*unix.SockaddrInet4).Port))
	for range 8 {
		c, err := net.DialTimeout("tcp", ap.String(), 100*time.Millisecond)
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("filling the accept queue: %v", err)
			}
			return NewHost(ap, "", 1, 0, nil) // the queue is full
		}
		t.Cleanup(func() { _ = c.Close() })
	}
	t.Skip("could not fill the accept queue of a backlog-0 listener; cannot provoke a connect timeout")
	return nil
}

func soMark(t *testing.T, c net.Conn) int {
	t.Helper()
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var mark int
	var gerr error
	if err := rc.Control(func(fd uintptr) {
		mark, gerr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_MARK)
	}); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatalf("getsockopt SO_MARK: %v", gerr)
	}
	return mark
}

func TestDialerConnects(t *testing.T) {
	tests := []struct {
		name string
		mark uint32
	}{
		{"no mark", 0},
		{"mark 0x539", 0x539},
		{"high mark", 0xfeed0000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := loopbackHost(t)
			c, err := Dialer{Mark: tt.mark}.Dial(context.Background(), h, time.Second)
			if tt.mark != 0 && errors.Is(err, syscall.EPERM) {
				t.Skipf("setting SO_MARK needs CAP_NET_ADMIN: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := c.RemoteAddr().(*net.TCPAddr).AddrPort(); got != h.Addr() {
				t.Fatalf("connected to %s, want %s", got, h.Addr())
			}
			if got := uint32(soMark(t, c)); got != tt.mark {
				t.Fatalf("SO_MARK = %#x, want %#x", got, tt.mark)
			}
			msg := []byte("ping")
			if _, err := c.Write(msg); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
				t.Fatalf("echo: %q, %v", got, err)
			}
		})
	}
}

func TestDialerErrors(t *testing.T) {
	tests := []struct {
		name    string
		host    func(t *testing.T) *Host
		ctx     func() (context.Context, context.CancelFunc)
		timeout time.Duration
		check   func(t *testing.T, err error)
	}{
		{
			name: "dead port is refused", host: deadHost, timeout: time.Second,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, ErrConnectTimeout) {
					t.Fatalf("got %v, want connection refused", err)
				}
			},
		},
		{
			name: "connect timeout", host: fullQueueHost, timeout: 50 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrConnectTimeout) {
					t.Fatalf("got %v, want ErrConnectTimeout", err)
				}
			},
		},
		{
			name: "caller's deadline is not a connect timeout", host: fullQueueHost, timeout: 5 * time.Second,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			check: func(t *testing.T, err error) {
				if err == nil || errors.Is(err, ErrConnectTimeout) {
					t.Fatalf("got %v, want a cancellation error", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.host(t)
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			start := time.Now()
			c, err := Dialer{}.Dial(ctx, h, tt.timeout)
			if err == nil {
				c.Close()
				t.Fatal("Dial succeeded")
			}
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("Dial took %v", elapsed)
			}
			tt.check(t, err)
		})
	}
}

func TestDialFromBindsSource(t *testing.T) {
	tests := []struct {
		name string
		src  netip.Addr
		want netip.Addr // expected local address; invalid = any
	}{
		{"no source", netip.Addr{}, netip.Addr{}},
		{"127.0.0.2", netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.2")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := loopbackHost(t)
			c, err := Dialer{}.DialFrom(context.Background(), h, time.Second, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			local := c.LocalAddr().(*net.TCPAddr).AddrPort()
			if tt.want.IsValid() && local.Addr() != tt.want {
				t.Fatalf("local address %s, want %s", local, tt.want)
			}
			if local.Port() == 0 {
				t.Fatal("no local port")
			}
		})
	}
}
