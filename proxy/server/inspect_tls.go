package server

import "strings"

// The TLS ClientHello reader of tls_inspector: just enough of RFC 8446 section 4.1.2 to find the
// server name (RFC 6066) and the ALPN protocols (RFC 7301). It reads a copy of the first bytes
// and never writes.

// helloResult is what the first bytes of a connection say about TLS.
type helloResult uint8

const (
	helloMore  helloResult = iota // a ClientHello may follow: read more
	helloFound                    // a complete ClientHello
	helloNot                      // not TLS (or a malformed ClientHello, taken as plaintext like Envoy)
)

// clientHello is what tls_inspector takes from a ClientHello.
type clientHello struct {
	serverName string   // host_name of server_name, lower case; "" when absent
	alpn       []string // application_layer_protocol_negotiation, in the client's order
}

const (
	recordHandshake  = 22
	handshakeHello   = 1
	extServerName    = 0
	extALPN          = 16
	maxRecordPayload = 16384 + 2048
)

// parseClientHello reads a ClientHello, which may span several TLS records, from the start of
// buf.
func parseClientHello(buf []byte) (clientHello, helloResult) {
	var msg []byte
	for {
		if len(buf) == 0 {
			return clientHello{}, helloMore
		}
		if buf[0] != recordHandshake || (len(buf) > 1 && buf[1] != 3) {
			return clientHello{}, helloNot
		}
		if len(buf) < 5 {
			return clientHello{}, helloMore
		}
		n := int(buf[3])<<8 | int(buf[4])
		if n == 0 || n > maxRecordPayload {
			return clientHello{}, helloNot
		}
		end := min(5+n, len(buf))
		if msg == nil && end == 5+n {
			msg = buf[5:end] // the common case: the whole message in one record, no copy
		} else {
			msg = append(msg[:len(msg):len(msg)], buf[5:end]...)
		}
		if len(msg) >= 1 && msg[0] != handshakeHello {
			return clientHello{}, helloNot
		}
		if len(msg) >= 4 {
			want := 4 + (int(msg[1])<<16 | int(msg[2])<<8 | int(msg[3]))
			if len(msg) >= want {
				return readHello(msg[4:want])
			}
		}
		if end < 5+n {
			return clientHello{}, helloMore
		}
		buf = buf[end:]
	}
}

// readHello reads the body of a ClientHello message.
func readHello(b []byte) (clientHello, helloResult) {
	r := readerOf(b)
	r.skip(2 + 32) // legacy_version, random
	r.vector(1)    // legacy_session_id
	r.vector(2)    // cipher_suites
	r.vector(1)    // legacy_compression_methods
	if r.bad {
		return clientHello{}, helloNot
	}
	var h clientHello
	if len(r.b) == 0 {
		return h, helloFound // no extensions
	}
	exts := readerOf(r.vector(2))
	for len(exts.b) > 0 && !exts.bad {
		typ := exts.uint16()
		data := readerOf(exts.vector(2))
		switch typ {
		case extServerName:
			h.serverName = readServerName(&data)
		case extALPN:
			h.alpn = readALPN(&data)
		}
		if data.bad {
			return clientHello{}, helloNot
		}
	}
	if exts.bad || r.bad {
		return clientHello{}, helloNot
	}
	return h, helloFound
}

// readServerName returns the host_name entry of a server_name extension.
func readServerName(r *reader) string {
	list := readerOf(r.vector(2))
	for len(list.b) > 0 && !list.bad {
		typ := list.uint8()
		name := list.vector(2)
		if typ == 0 && !list.bad {
			return strings.ToLower(string(name))
		}
	}
	r.bad = r.bad || list.bad
	return ""
}

// readALPN returns the protocol names of an ALPN extension.
func readALPN(r *reader) []string {
	list := readerOf(r.vector(2))
	var out []string
	for len(list.b) > 0 && !list.bad {
		if p := list.vector(1); len(p) > 0 {
			out = append(out, string(p))
		}
	}
	r.bad = r.bad || list.bad
	return out
}

// reader takes big-endian fields off a byte slice; running short sets bad and yields zeros.
type reader struct {
	b   []byte
	bad bool
}

func readerOf(b []byte) reader { return reader{b: b} }

func (r *reader) take(n int) []byte {
	if r.bad || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) skip(n int) { r.take(n) }

func (r *reader) uint8() int {
	if v := r.take(1); v != nil {
		return int(v[0])
	}
	return 0
}

func (r *reader) uint16() int {
	if v := r.take(2); v != nil {
		return int(v[0])<<8 | int(v[1])
	}
	return 0
}

// vector reads a length-prefixed vector whose length field has lenBytes bytes (1 or 2).
func (r *reader) vector(lenBytes int) []byte {
	n := r.uint8()
	if lenBytes == 2 {
		n = n<<8 | r.uint8()
	}
	return r.take(n)
}
