package config

import (
	"fmt"
	"net/netip"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// portZero says whether an address may use port 0.
type portZero bool

const (
	// ephemeralOK allows port 0: the kernel picks a port when the socket is bound (listeners and
	// admin, as in Envoy; handy for tests).
	ephemeralOK portZero = true
	// needPort requires a port in 1..65535 (upstream endpoints).
	needPort portZero = false
)

// socketAddr reads a TCP socket address holding an IP literal. path names the Address field.
func socketAddr(probs *problems, path string, a *corev3.Address, zero portZero) (netip.AddrPort, bool) {
	sa := a.GetSocketAddress()
	if sa == nil {
		probs.addf(joinPath(path, "socket_address"), "required")
		return netip.AddrPort{}, false
	}
	path = joinPath(path, "socket_address")
	if !checkTCP(probs, path, sa) {
		return netip.AddrPort{}, false
	}
	ip, err := netip.ParseAddr(sa.GetAddress())
	if err != nil || ip.Zone() != "" {
		probs.addf(joinPath(path, "address"), "%q is not an IP address", sa.GetAddress())
		return netip.AddrPort{}, false
	}
	port, ok := checkPort(probs, joinPath(path, "port_value"), sa.GetPortValue(), zero)
	return netip.AddrPortFrom(ip, port), ok
}

// checkTCP rejects socket addresses for other protocols than TCP.
func checkTCP(probs *problems, path string, sa *corev3.SocketAddress) bool {
	if sa.GetProtocol() != corev3.SocketAddress_TCP {
		probs.addf(joinPath(path, "protocol"), "%s %w (only TCP)", sa.GetProtocol(), ErrUnsupported)
		return false
	}
	return true
}

// checkPort checks that a port fits in 16 bits and, unless zero allows it, is not 0.
func checkPort(probs *problems, path string, port uint32, zero portZero) (uint16, bool) {
	lo := uint32(1)
	if zero {
		lo = 0
	}
	if port < lo || port > 65535 {
		probs.add(path, fmt.Errorf("port %d out of range %d..65535", port, lo))
		return 0, false
	}
	return uint16(port), true
}
