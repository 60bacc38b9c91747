//go:build linux

package loadgen

import (
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// dial opens a TCP connection to addr with TCP_NODELAY set and returns its
// descriptor in non-blocking mode. The connect itself blocks, which on
// loopback completes at once.
func dial(addr netip.AddrPort) (int, error) {
	family, sa := sockaddr(addr)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("loadgen: socket: %w", err)
	}
	if err := connect(fd, sa); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("loadgen: dial %s: %w", addr, err)
	}
	return fd, nil
}

func connect(fd int, sa unix.Sockaddr) error {
	if err := unix.Connect(fd, sa); err != nil {
		return err
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
		return fmt.Errorf("TCP_NODELAY: %w", err)
	}
	return unix.SetNonblock(fd, true)
}

func sockaddr(addr netip.AddrPort) (int, unix.Sockaddr) {
	ip := addr.Addr().Unmap()
	if ip.Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(addr.Port()), Addr: ip.As4()}
	}
	return unix.AF_INET6, &unix.SockaddrInet6{Port: int(addr.Port()), Addr: ip.As16()}
}
