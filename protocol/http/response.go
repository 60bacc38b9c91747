package http

// requestKind is what a response parser needs to know about the request it answers.
type requestKind uint8

const (
	requestOther requestKind = iota
	requestHead
	requestConnect
)

// Response is an incremental HTTP/1.1 response head parser and the parsed head, the counterpart
// of Request for the upstream side. The zero value parses the response to a request that is
// neither HEAD nor CONNECT; Reset says otherwise. The contracts of Request apply: no
// allocation, one event loop, views into the buffer given to Parse.
type Response struct {
	// Limits bounds the head; set it before the first Parse (Reset keeps it).
	Limits Limits
	// Header holds the field lines.
	Header Headers

	s       scanner
	req     requestKind
	status  int
	reason  [2]uint32
	minor   int
	framing Framing
}

// Reset prepares r for the response to a request with the given method: "HEAD" responses have
// no body, nor do 2xx responses to "CONNECT". The method is not retained. Limits are kept.
//
// After an interim (1xx but 101) response, Reset with the same method and parse again: the
// final response follows.
func (r *Response) Reset(requestMethod []byte) {
	r.Header.reset()
	r.s.reset()
	r.status, r.reason, r.minor, r.framing = 0, [2]uint32{}, 0, Framing{}
	switch string(requestMethod) {
	case "HEAD":
		r.req = requestHead
	case "CONNECT":
		r.req = requestConnect
	default:
		r.req = requestOther
	}
}

// Parse parses the response head at the start of buf, with the contract of Request.Parse.
// Errors come from the upstream: a proxy answers its client 502, whatever their Status.
func (r *Response) Parse(buf []byte) (n int, err error) {
	switch {
	case r.s.err != nil:
		return 0, r.s.err
	case r.s.done:
		return r.s.size, nil
	}
	r.Header.buf = buf
	n, err = r.parse(buf)
	if err != nil && err != ErrNeedMore {
		r.s.err = err
	}
	return n, err
}

func (r *Response) parse(buf []byte) (int, error) {
	for {
		off, end, err := r.s.line(buf, &r.Limits)
		if err != nil {
			return 0, err
		}
		switch {
		case !r.s.started:
			if err := r.statusLine(buf[off:end], off); err != nil {
				return 0, err
			}
			r.s.started = true
		case end == off:
			return r.finish(buf)
		default:
			if err := r.s.field(buf, off, end, &r.Header, &r.Limits); err != nil {
				return 0, err
			}
		}
	}
}

// statusLine parses HTTP-version SP 3DIGIT SP reason-phrase, at offset off of the buffer. The
// SP before an empty reason may be missing, as many servers omit it.
func (r *Response) statusLine(line []byte, off int) error {
	if len(line) < 12 || line[8] != ' ' {
		if _, err := parseVersion(line[:min(len(line), 8)]); err != nil {
			return err
		}
		return ErrInvalidStatusLine
	}
	minor, err := parseVersion(line[:8])
	if err != nil {
		return err
	}
	d0, d1, d2 := line[9], line[10], line[11]
	if d0 < '1' || d0 > '9' || !isDigit(d1) || !isDigit(d2) {
		return ErrInvalidStatusLine
	}
	if len(line) > 12 && line[12] != ' ' {
		return ErrInvalidStatusLine
	}
	reasonOff := min(len(line), 13)
	for _, c := range line[reasonOff:] {
		if !is(c, classValue) {
			return ErrInvalidStatusLine
		}
	}
	r.minor = minor
	r.status = int(d0-'0')*100 + int(d1-'0')*10 + int(d2-'0')
	r.reason = [2]uint32{uint32(off + reasonOff), uint32(off + len(line))}
	return nil
}

func (r *Response) finish(buf []byte) (int, error) {
	framing, err := responseFraming(&r.s.facts, r.minor, r.status, r.req)
	if err != nil {
		return 0, err
	}
	r.framing = framing
	r.s.finish(buf, &r.Header)
	return r.s.size, nil
}

// Rebase points r's views at buf, as Request.Rebase.
func (r *Response) Rebase(buf []byte) { r.Header.buf = buf[:r.s.size:r.s.size] }

// Len returns the size of the parsed head in bytes, the n of Parse.
func (r *Response) Len() int { return r.s.size }

// Status returns the status code, 100 to 999.
func (r *Response) Status() int { return r.status }

// Reason returns the reason phrase, possibly empty.
func (r *Response) Reason() []byte { return r.Header.buf[r.reason[0]:r.reason[1]:r.reason[1]] }

// Minor returns the minor HTTP version: 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x).
func (r *Response) Minor() int { return r.minor }

// Interim reports a 1xx response other than 101: it is forwarded, and the final response
// follows on the same connection (Reset and parse again).
func (r *Response) Interim() bool { return r.status < 200 && r.status != 101 }

// Framing returns how the response body is delimited.
func (r *Response) Framing() Framing { return r.framing }

// KeepAlive reports whether the upstream connection may carry another request after this
// response: not when the body ends at close, after 101 or a 2xx to CONNECT (the connection
// becomes a tunnel), or when the version and Connection field say so (RFC 9112 9.3).
func (r *Response) KeepAlive() bool {
	switch {
	case r.framing.Kind == BodyUntilClose, r.status == 101:
		return false
	case r.req == requestConnect && r.status >= 200 && r.status < 300:
		return false
	}
	return r.s.facts.conn.persistent(r.minor)
}

// Upgrade returns the Upgrade field's value of a 101 (Switching Protocols) response: after its
// head the connection carries the new protocol in both directions.
func (r *Response) Upgrade() ([]byte, bool) {
	f := &r.s.facts
	if r.status != 101 || f.upgrade == 0 {
		return nil, false
	}
	return r.Header.Value(f.upgrade - 1), true
}
