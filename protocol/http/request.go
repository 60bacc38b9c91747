package http

import "bytes"

// Request is an incremental HTTP/1.1 request head parser and the parsed head. The zero value is
// ready to use; one Request serves one connection, message after message, with Reset between.
// It never allocates. A Request is not safe for concurrent use: it belongs to the event loop
// that owns the connection.
//
// Accessors are valid once Parse has returned nil, and return views into the buffer given to the
// last Parse call (or to Rebase): see the package documentation for the ownership contract.
type Request struct {
	// Limits bounds the head; set it before the first Parse (Reset keeps it).
	Limits Limits
	// Header holds the field lines.
	Header Headers

	s       scanner
	method  [2]uint32 // offsets of the method
	target  [2]uint32 // offsets of the request-target
	t       parsedTarget
	minor   int
	framing Framing
}

// Reset prepares r for the next request on the connection. Limits are kept.
func (r *Request) Reset() {
	r.Header.reset()
	r.s.reset()
	r.method, r.target, r.t, r.minor, r.framing = [2]uint32{}, [2]uint32{}, parsedTarget{}, 0, Framing{}
}

// Parse parses the request head at the start of buf. buf holds everything received and not yet
// consumed: on ErrNeedMore the caller keeps those bytes and calls Parse again with the same
// bytes followed by more (the buffer may have moved or grown in between; the bytes already given
// must not change). It returns:
//
//   - n > 0, nil: the head is complete and is buf[:n]; the body, if any (see Framing), or the
//     next pipelined request starts at buf[n]. Calling Parse again returns the same result.
//   - 0, ErrNeedMore: buf is a valid incomplete head.
//   - 0, *Error: the head is invalid (StatusCode says how to answer); the connection cannot be
//     used further. Later calls return the same error.
//
// Empty lines before the request line are skipped (RFC 9112 2.2) and count in n.
func (r *Request) Parse(buf []byte) (n int, err error) {
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

func (r *Request) parse(buf []byte) (int, error) {
	for {
		off, end, err := r.s.line(buf, &r.Limits)
		if err != nil {
			return 0, err
		}
		switch {
		case !r.s.started && end == off:
			// An empty line before the request line.
		case !r.s.started:
			if err := r.requestLine(buf, off, end); err != nil {
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

// requestLine parses method SP request-target SP HTTP-version in buf[off:end].
func (r *Request) requestLine(buf []byte, off, end int) error {
	line := buf[off:end]
	m := 0
	for m < len(line) && is(line[m], classToken) {
		m++
	}
	switch {
	case m < len(line) && line[m] != ' ' && line[m] != '\t':
		return ErrInvalidMethod
	case m == 0 || m == len(line) || line[m] != ' ':
		return ErrInvalidRequestLine
	}
	rest := line[m+1:]
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return ErrInvalidRequestLine
	}
	minor, err := parseVersion(rest[sp+1:])
	if err != nil {
		return err
	}
	t, err := parseTarget(line[:m], rest[:sp])
	if err != nil {
		return err
	}
	tOff := off + m + 1
	r.method = [2]uint32{uint32(off), uint32(off + m)}
	r.target = [2]uint32{uint32(tOff), uint32(tOff + sp)}
	r.t, r.minor = t, minor
	return nil
}

// finish checks the complete head and decides its framing.
func (r *Request) finish(buf []byte) (int, error) {
	f := &r.s.facts
	switch {
	case f.hosts > 1:
		return 0, ErrInvalidHost
	case f.hosts == 0 && r.minor >= 1:
		return 0, ErrMissingHost
	case f.hosts == 1 && !validHostPort(r.fieldValue(buf, f.host-1), false):
		return 0, ErrInvalidHost
	}
	framing, err := requestFraming(f, r.minor)
	if err != nil {
		return 0, err
	}
	r.framing = framing
	r.s.finish(buf, &r.Header)
	return r.s.size, nil
}

func (r *Request) fieldValue(buf []byte, i int) []byte {
	f := &r.Header.fields[i]
	return buf[f.valueOff:f.valueEnd]
}

// Rebase points r's views at buf, which must start with the same head bytes as the buffer r
// was parsed from (buf[:r.Len()] equal): use it after copying the head elsewhere, for example
// out of a buffer the event loop is about to reuse.
func (r *Request) Rebase(buf []byte) { r.Header.buf = buf[:r.s.size:r.s.size] }

// Len returns the size of the parsed head in bytes, the n of Parse.
func (r *Request) Len() int { return r.s.size }

func (r *Request) view(s [2]uint32) []byte { return r.Header.buf[s[0]:s[1]:s[1]] }

// Method returns the method, e.g. "GET". Methods are case-sensitive.
func (r *Request) Method() []byte { return r.view(r.method) }

// MethodIs reports whether the method is m (case-sensitive).
func (r *Request) MethodIs(m string) bool { return string(r.Method()) == m }

// Target returns the request-target as received: "/path?query" in origin-form.
func (r *Request) Target() []byte { return r.view(r.target) }

// Form returns the form of the request-target.
func (r *Request) Form() TargetForm { return r.t.form }

// Path returns the path of an origin-form or absolute-form target, without the query. It is
// empty for "http://host" and "http://host?q" (an origin server reads that as "/"), and for
// the authority and asterisk forms.
func (r *Request) Path() []byte {
	t := r.Target()
	if r.t.queryOff >= 0 {
		return t[r.t.pathOff:r.t.queryOff]
	}
	return t[r.t.pathOff:]
}

// Query returns the query without its '?', and whether the target has a '?'.
func (r *Request) Query() ([]byte, bool) {
	if r.t.queryOff < 0 {
		return nil, false
	}
	return r.Target()[r.t.queryOff+1:], true
}

// PathQuery returns the path and query of an origin-form or absolute-form target, what an
// origin server is sent in origin-form (prefix "/" when it does not start with one).
func (r *Request) PathQuery() []byte { return r.Target()[r.t.pathOff:] }

// Authority returns the authority of an absolute-form or authority-form target, or nil.
func (r *Request) Authority() []byte {
	if r.t.form != AbsoluteForm && r.t.form != AuthorityForm {
		return nil
	}
	return r.Target()[r.t.authOff:r.t.authEnd]
}

// Host returns the host the request is for: the target's authority if it has one (RFC 9112
// 3.2.2: it overrides the Host field), else the Host field's value, else nil.
func (r *Request) Host() []byte {
	if a := r.Authority(); a != nil {
		return a
	}
	if r.s.facts.host > 0 {
		return r.Header.Value(r.s.facts.host - 1)
	}
	return nil
}

// Minor returns the minor HTTP version: 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x).
func (r *Request) Minor() int { return r.minor }

// Framing returns how the request body is delimited.
func (r *Request) Framing() Framing { return r.framing }

// KeepAlive reports whether the connection may carry another request after this one (RFC 9112
// 9.3): HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "Connection: keep-alive".
func (r *Request) KeepAlive() bool { return r.s.facts.conn.persistent(r.minor) }

// ExpectContinue reports "Expect: 100-continue" on an HTTP/1.1 request (RFC 9110 10.1.1 says to
// ignore it in HTTP/1.0).
func (r *Request) ExpectContinue() bool { return r.s.facts.expect100 && r.minor >= 1 }

// Upgrade returns the Upgrade field's value (e.g. "websocket") when the request asks for a
// protocol upgrade: HTTP/1.1 with an Upgrade field and "upgrade" in Connection (RFC 9110 7.8).
func (r *Request) Upgrade() ([]byte, bool) {
	f := &r.s.facts
	if r.minor < 1 || f.upgrade == 0 || !f.conn.upgrade {
		return nil, false
	}
	return r.Header.Value(f.upgrade - 1), true
}
