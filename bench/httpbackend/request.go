package httpbackend

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrRequest wraps every error of the request parser; the server closes
// a connection that sends such a request.
var ErrRequest = errors.New("httpbackend: bad request")

// maxBody bounds a request body the server skips.
const maxBody = 1 << 20

// request is what the server needs of one request.
type request struct {
	// target is the request target without its query, aliasing the buffer.
	target []byte
	// get is true for GET, false for any other method.
	get bool
	// size is the length of the whole request: head and body.
	size int
}

var headEnd = []byte("\r\n\r\n")

// parseRequest parses the first request in b. It reports ok == false when
// b does not yet hold all of it. Only the request line and Content-Length
// are read; a chunked request body is an error.
func parseRequest(b []byte) (req request, ok bool, err error) {
	end := bytes.Index(b, headEnd)
	if end < 0 {
		return request{}, false, nil
	}
	head := b[:end]
	line, fields, _ := bytes.Cut(head, []byte("\r\n"))
	if req, err = requestLine(line); err != nil {
		return request{}, false, err
	}
	body, err := bodyLength(fields)
	if err != nil {
		return request{}, false, err
	}
	req.size = end + len(headEnd) + body
	return req, req.size <= len(b), nil
}

// requestLine parses "METHOD target HTTP/1.x".
func requestLine(line []byte) (request, error) {
	method, rest, ok1 := bytes.Cut(line, []byte(" "))
	target, version, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || len(method) == 0 || len(target) == 0 || !bytes.HasPrefix(version, []byte("HTTP/1.")) || len(version) != 8 {
		return request{}, fmt.Errorf("%w: request line %q", ErrRequest, line)
	}
	if i := bytes.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	return request{target: target, get: string(method) == "GET"}, nil
}

// bodyLength finds the body's length in the header lines.
func bodyLength(fields []byte) (int, error) {
	n := 0
	for len(fields) > 0 {
		var line []byte
		line, fields, _ = bytes.Cut(fields, []byte("\r\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, fmt.Errorf("%w: header line %q", ErrRequest, line)
		}
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			v, ok := atoi(bytes.Trim(value, " \t"))
			if !ok || v > maxBody {
				return 0, fmt.Errorf("%w: Content-Length %q", ErrRequest, value)
			}
			n = v
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			return 0, fmt.Errorf("%w: Transfer-Encoding in a request", ErrRequest)
		}
	}
	return n, nil
}

// atoi parses a non-empty decimal number of at most 9 digits.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
