package http

import "math"

// facts are what the head's fields say about framing and the connection, gathered while the
// fields are parsed so that no second pass is needed.
type facts struct {
	contentLength int64 // valid if hasLength
	hasLength     bool
	te            codings
	conn          connTokens
	hosts         int // Host field lines
	host          int // index+1 of the first Host field, 0: none
	upgrade       int // index+1 of the first Upgrade field, 0: none
	expect100     bool
}

// codings summarises every Transfer-Encoding field line.
type codings struct {
	present     bool // a Transfer-Encoding field was seen
	chunked     bool // chunked is listed
	lastChunked bool // chunked is the final coding
	other       bool // a coding other than chunked is listed
}

// connTokens are the options of every Connection field line.
type connTokens struct {
	close, keepAlive, upgrade bool
	other                     bool // a token naming some other (hop-by-hop) field
}

// observe records field i (name, value) and rejects framing fields that are malformed.
func (f *facts) observe(name, value []byte, i int) error {
	switch len(name) {
	case 4:
		if equalFold(name, "host") {
			if f.hosts == 0 {
				f.host = i + 1
			}
			f.hosts++
		}
	case 6:
		if equalFold(name, "expect") && equalFold(value, "100-continue") {
			f.expect100 = true
		}
	case 7:
		if equalFold(name, "upgrade") && f.upgrade == 0 {
			f.upgrade = i + 1
		}
	case 10:
		if equalFold(name, "connection") {
			f.conn.add(value)
		}
	case 14:
		if equalFold(name, "content-length") {
			return f.addContentLength(value)
		}
	case 17:
		if equalFold(name, "transfer-encoding") {
			return f.te.add(value)
		}
	}
	return nil
}

// addContentLength accepts repeated Content-Length fields only when their values are equal
// (RFC 9110 8.6). A list ("5, 5") is rejected: it is not a valid value.
func (f *facts) addContentLength(v []byte) error {
	n, ok := parseDecimal(v)
	switch {
	case !ok:
		return ErrInvalidContentLength
	case f.hasLength && f.contentLength != n:
		return ErrConflictingContentLength
	}
	f.contentLength, f.hasLength = n, true
	return nil
}

// parseDecimal parses 1*DIGIT into an int64.
func parseDecimal(v []byte) (int64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// add records the transfer codings listed in one Transfer-Encoding field value.
func (t *codings) add(v []byte) error {
	t.present = true
	elements := 0
	for len(v) > 0 {
		var elem []byte
		elem, v = nextElement(v)
		if len(elem) == 0 {
			continue
		}
		elements++
		if err := t.addCoding(elem); err != nil {
			return err
		}
	}
	if elements == 0 {
		return ErrInvalidTransferEncoding
	}
	return nil
}

func (t *codings) addCoding(elem []byte) error {
	i := 0
	for i < len(elem) && is(elem[i], classToken) {
		i++
	}
	name, params := elem[:i], trimOWS(elem[i:])
	switch {
	case i == 0 || (len(params) > 0 && params[0] != ';'):
		return ErrInvalidTransferEncoding
	case !equalFold(name, "chunked"):
		t.other = true
		t.lastChunked = false
	case t.chunked || len(params) > 0:
		return ErrInvalidTransferEncoding // chunked twice, or with parameters
	default:
		t.chunked = true
		t.lastChunked = true
	}
	return nil
}

// add records the options listed in one Connection field value.
func (c *connTokens) add(v []byte) {
	for len(v) > 0 {
		var tok []byte
		tok, v = nextElement(v)
		switch {
		case len(tok) == 0:
		case equalFold(tok, "close"):
			c.close = true
		case equalFold(tok, "keep-alive"):
			c.keepAlive = true
		case equalFold(tok, "upgrade"):
			c.upgrade = true
		default:
			c.other = true
		}
	}
}

// nextElement splits the first element off a comma-separated list and trims it.
func nextElement(v []byte) (elem, rest []byte) {
	for i, c := range v {
		if c == ',' {
			return trimOWS(v[:i]), v[i+1:]
		}
	}
	return trimOWS(v), nil
}

// keepAlive applies the persistence rules of RFC 9112 9.3 to a message of the given minor
// version.
func (c *connTokens) persistent(minor int) bool {
	if c.close {
		return false
	}
	return minor >= 1 || c.keepAlive
}
