package loadgen

import (
	"bytes"
	"fmt"
)

// onLine handles one complete line in the current state.
func (p *respParser) onLine(line []byte) (bool, error) {
	switch p.state {
	case stStatus:
		return false, p.statusLine(line)
	case stHeader:
		if len(line) == 0 {
			return p.endHead()
		}
		return false, p.header(line)
	case stChunkSize:
		return false, p.chunkSize(line)
	case stChunkEnd:
		if len(line) != 0 {
			return false, fmt.Errorf("%w: %d bytes after a chunk's data, want CRLF", ErrFraming, len(line))
		}
		p.state = stChunkSize
		return false, nil
	case stTrailer:
		if len(line) == 0 {
			return p.finish(), nil
		}
		return false, nil
	}
	return false, fmt.Errorf("%w: parser in state %d", ErrFraming, p.state)
}

// statusLine parses "HTTP/1.x SSS reason".
func (p *respParser) statusLine(line []byte) error {
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return fmt.Errorf("%w: bad status line %q", ErrFraming, line)
	}
	code := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return fmt.Errorf("%w: bad status code in %q", ErrFraming, line)
		}
		code = code*10 + int(c-'0')
	}
	p.status, p.state = code, stHeader
	return nil
}

// header notes Content-Length and Transfer-Encoding; it ignores the rest.
func (p *respParser) header(line []byte) error {
	if line[0] == ' ' || line[0] == '\t' {
		return fmt.Errorf("%w: obsolete header line folding", ErrFraming)
	}
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return fmt.Errorf("%w: header line without colon %q", ErrFraming, line)
	}
	value = bytes.Trim(value, " \t")
	switch {
	case equalFold(name, "content-length"):
		n, ok := parseUint(value, 10)
		if !ok || (p.length >= 0 && p.length != n) {
			return fmt.Errorf("%w: bad or conflicting Content-Length %q", ErrFraming, value)
		}
		p.length = n
	case equalFold(name, "transfer-encoding"):
		last := value
		if i := bytes.LastIndexByte(value, ','); i >= 0 {
			last = bytes.Trim(value[i+1:], " \t")
		}
		if !equalFold(last, "chunked") {
			return fmt.Errorf("%w: Transfer-Encoding %q does not end in chunked", ErrFraming, value)
		}
		p.chunked = true
	}
	return nil
}

// endHead decides how the body is framed once the head is complete.
func (p *respParser) endHead() (bool, error) {
	switch {
	case p.status == 101:
		return false, fmt.Errorf("%w: unexpected 101 Switching Protocols", ErrFraming)
	case p.status >= 100 && p.status < 200:
		p.state, p.length, p.chunked = stStatus, -1, false // interim response: the real one follows
		return false, nil
	case p.status == 204 || p.status == 304:
		return p.finish(), nil
	case p.chunked:
		p.state = stChunkSize
		return false, nil
	case p.length == 0:
		return p.finish(), nil
	case p.length > 0:
		p.state, p.remain = stBody, p.length
		return false, nil
	}
	return false, fmt.Errorf("%w: status %d without Content-Length or chunked encoding (close-delimited bodies are not supported)", ErrFraming, p.status)
}

// chunkSize parses "hex-size[;extensions]".
func (p *respParser) chunkSize(line []byte) error {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	n, ok := parseUint(bytes.Trim(line, " \t"), 16)
	if !ok {
		return fmt.Errorf("%w: bad chunk size %q", ErrFraming, line)
	}
	if n == 0 {
		p.state = stTrailer
		return nil
	}
	p.state, p.remain = stChunkData, n
	return nil
}

// parseUint parses a non-empty unsigned number below 2^40 in base 10 or 16.
func parseUint(b []byte, base int64) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case base == 16 && c|0x20 >= 'a' && c|0x20 <= 'f':
			d = int64(c|0x20-'a') + 10
		default:
			return 0, false
		}
		if n = n*base + d; n >= 1<<40 {
			return 0, false
		}
	}
	return n, true
}

// equalFold reports whether b equals the lower-case ASCII string s,
// ignoring ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
