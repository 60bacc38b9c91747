package loadgen

import "net/netip"

// httpReadBuf is the read buffer shared by all connections in HTTP mode:
// a read takes whatever has arrived, and the parser consumes all of it
// before the next read.
const httpReadBuf = 64 << 10

// echoMessage returns the request of size bytes and a buffer of the same
// size for its echo.
func echoMessage(size int) (msg, buf []byte) {
	msg = make([]byte, size)
	for i := range msg {
		msg[i] = byte('a' + i%26)
	}
	return msg, make([]byte, size)
}

// httpRequest is the GET sent for every HTTP request: the minimal
// HTTP/1.1 request, with the target's address as Host.
func httpRequest(addr netip.AddrPort, path string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr.String() + "\r\n\r\n")
}
