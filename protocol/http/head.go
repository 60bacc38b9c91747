package http

import "bytes"

// DefaultMaxHeadBytes is the head size limit when Limits.MaxHeadBytes is 0: Envoy's default
// max_request_headers_kb (60 KiB).
const DefaultMaxHeadBytes = 60 << 10

// Limits bounds a head. The zero value means the defaults.
type Limits struct {
	// MaxHeadBytes is the most bytes a head may take, from the first byte of the start line to
	// the end of the empty line that ends the head (Envoy's max_request_headers_kb times 1024).
	// A longer head fails with ErrHeadTooLarge (431) as soon as the limit is passed, without
	// waiting for its end. 0 means DefaultMaxHeadBytes.
	MaxHeadBytes int
	// MaxHeaders is the most field lines a head may carry; one more fails with
	// ErrTooManyHeaders (431). 0, or a value above the MaxHeaders constant, means MaxHeaders.
	MaxHeaders int
}

func (l *Limits) headBytes() int {
	if l.MaxHeadBytes <= 0 {
		return DefaultMaxHeadBytes
	}
	return l.MaxHeadBytes
}

func (l *Limits) fields() int {
	if l.MaxHeaders <= 0 || l.MaxHeaders > MaxHeaders {
		return MaxHeaders
	}
	return l.MaxHeaders
}

// scanner is the incremental part of head parsing shared by Request and Response: it finds
// complete lines, parses field lines into Headers and gathers the facts that framing and
// connection handling need. It keeps offsets only, never slices, so the caller's buffer may move
// between calls as long as the bytes already given stay the same.
type scanner struct {
	next    int   // offset of the first byte of the first line not yet handled
	seen    int   // bytes from next on already searched for LF
	started bool  // the start line has been handled
	done    bool  // the head is complete
	size    int   // head size once done
	err     error // sticky protocol error
	facts   facts
}

func (s *scanner) reset() { *s = scanner{} }

// line returns the bounds of the next complete line of buf without its CRLF, or ErrNeedMore,
// ErrHeadTooLarge or ErrBareLF.
func (s *scanner) line(buf []byte, lim *Limits) (off, end int, err error) {
	off = s.next
	from := max(off, s.seen)
	i := bytes.IndexByte(buf[from:], '\n')
	maxBytes := lim.headBytes()
	if i < 0 {
		s.seen = len(buf)
		if len(buf) >= maxBytes {
			return 0, 0, ErrHeadTooLarge
		}
		return 0, 0, ErrNeedMore
	}
	lf := from + i
	switch {
	case lf >= maxBytes:
		return 0, 0, ErrHeadTooLarge
	case lf == off || buf[lf-1] != '\r':
		return 0, 0, ErrBareLF
	}
	s.next = lf + 1
	return off, lf - 1, nil
}

// field parses the field line buf[off:end] into h.
func (s *scanner) field(buf []byte, off, end int, h *Headers, lim *Limits) error {
	line := buf[off:end]
	if line[0] == ' ' || line[0] == '\t' {
		return ErrObsFold
	}
	colon, err := fieldName(line)
	if err != nil {
		return err
	}
	v := line[colon+1:]
	for _, c := range v {
		if !is(c, classValue) {
			return ErrInvalidHeaderValue
		}
	}
	if h.n >= lim.fields() {
		return ErrTooManyHeaders
	}
	vOff, vEnd := off+colon+1, end
	for vOff < vEnd && (buf[vOff] == ' ' || buf[vOff] == '\t') {
		vOff++
	}
	for vEnd > vOff && (buf[vEnd-1] == ' ' || buf[vEnd-1] == '\t') {
		vEnd--
	}
	h.add(off, off+colon, vOff, vEnd)
	return s.facts.observe(line[:colon], buf[vOff:vEnd], h.n-1)
}

// fieldName returns the index of the colon that ends the field name at the start of line.
func fieldName(line []byte) (int, error) {
	i := 0
	for i < len(line) && is(line[i], classToken) {
		i++
	}
	switch {
	case i == len(line):
		return 0, ErrInvalidHeaderName // no colon
	case line[i] == ':' && i > 0:
		return i, nil
	case line[i] == ' ' || line[i] == '\t':
		if j := len(trimOWS(line[i:])); i > 0 && j > 0 && line[len(line)-j] == ':' {
			return 0, ErrSpaceBeforeColon
		}
	}
	return 0, ErrInvalidHeaderName
}

// finish records the end of the head at s.next and points h at buf.
func (s *scanner) finish(buf []byte, h *Headers) {
	s.done = true
	s.size = s.next
	h.buf = buf[:s.size:s.size]
	h.nominated = s.facts.conn.other
}

// parseVersion parses "HTTP/1.0" or "HTTP/1.1" (or a later 1.x, treated as 1.1) and returns the
// minor version.
func parseVersion(v []byte) (int, error) {
	if len(v) != 8 || string(v[:5]) != "HTTP/" || v[6] != '.' || !isDigit(v[5]) || !isDigit(v[7]) {
		return 0, ErrInvalidVersion
	}
	if v[5] != '1' {
		return 0, ErrVersionNotSupported
	}
	if v[7] == '0' {
		return 0, nil
	}
	return 1, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
