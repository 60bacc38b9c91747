package http

// IsHopByHop reports whether name is one of the connection-specific fields of RFC 9110 7.6.1
// (Connection, Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade), which a proxy
// does not forward as received. Fields named by a Connection field are hop-by-hop too: see
// Headers.HopByHop.
//
// Trailer is not in the list: it is end-to-end (RFC 9110 6.6.2) and describes trailer fields
// that a proxy forwarding chunked bodies as-is passes on.
func IsHopByHop(name []byte) bool {
	switch len(name) {
	case 2:
		return equalFold(name, "te")
	case 7:
		return equalFold(name, "upgrade")
	case 10:
		return equalFold(name, "connection") || equalFold(name, "keep-alive")
	case 16:
		return equalFold(name, "proxy-connection")
	case 17:
		return equalFold(name, "transfer-encoding")
	}
	return false
}

// HopByHop reports whether field line i is hop-by-hop: IsHopByHop of its name, or a name listed
// in a Connection field (RFC 9110 7.6.1). Content-Length and Host are never reported as
// hop-by-hop even when listed in Connection: dropping them would change the framing or the
// target of the forwarded message.
func (h *Headers) HopByHop(i int) bool {
	name := h.Name(i)
	if IsHopByHop(name) {
		return true
	}
	if !h.nominated || equalFold(name, "content-length") || equalFold(name, "host") {
		return false
	}
	for j := h.Index("connection", 0); j >= 0; j = h.Index("connection", j+1) {
		if listContains(h.Value(j), name) {
			return true
		}
	}
	return false
}

// EndToEnd yields the index of every field line that is not hop-by-hop, in order: the fields a
// proxy copies when it re-encodes the head (for i := range h.EndToEnd { ... }).
func (h *Headers) EndToEnd(yield func(int) bool) {
	for i := range h.n {
		if !h.HopByHop(i) && !yield(i) {
			return
		}
	}
}

// listContains reports whether the comma-separated list v has an element equal to name
// case-insensitively.
func listContains(v, name []byte) bool {
	for len(v) > 0 {
		var elem []byte
		elem, v = nextElement(v)
		if len(elem) == len(name) && equalFoldBytes(elem, name) {
			return true
		}
	}
	return false
}

func equalFoldBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
