package loadgen

import (
	"bytes"
	"errors"
	"fmt"
)

// maxLine bounds one line of a response head or chunk framing.
const maxLine = 8 << 10

// ErrFraming wraps every error of the response parser.
var ErrFraming = errors.New("loadgen: HTTP response framing")

type respState uint8

const (
	stStatus    respState = iota // expecting the status line
	stHeader                     // in the header lines
	stBody                       // in a Content-Length body
	stChunkSize                  // expecting a chunk-size line
	stChunkData                  // in a chunk's data
	stChunkEnd                   // expecting the CRLF after a chunk's data
	stTrailer                    // in the trailer section after the last chunk
)

// respParser finds where each HTTP/1.1 response on one connection ends:
// it reads the status line and, of the headers, only Content-Length and
// Transfer-Encoding, then counts the body by its length or its chunk
// framing. Bytes may arrive split anywhere; a line split across reads is
// carried in a buffer allocated once, so parsing never allocates. Interim
// 1xx responses are skipped; a response whose body is delimited by the
// connection closing is an error, as are upgrades. The zero value is not
// usable: call newRespParser. A parser belongs to one connection.
type respParser struct {
	state   respState
	line    []byte // the start of a line split across reads (cap maxLine)
	status  int    // status code of the response being parsed or last completed
	length  int64  // Content-Length, or -1 when absent
	chunked bool
	remain  int64 // bytes left in the body or the current chunk
}

func newRespParser() respParser {
	return respParser{line: make([]byte, 0, maxLine), length: -1}
}

// feed consumes b up to the end of the current response. It returns how
// many bytes it consumed and whether the response is complete; after a
// complete response, status holds its code and the next call starts a
// new response. On error the connection's stream is unusable.
func (p *respParser) feed(b []byte) (n int, done bool, err error) {
	for n < len(b) {
		var used int
		used, done, err = p.step(b[n:])
		n += used
		if err != nil || done {
			return n, done, err
		}
	}
	return n, false, nil
}

// step consumes at most one line or one run of body bytes.
func (p *respParser) step(b []byte) (int, bool, error) {
	switch p.state {
	case stBody, stChunkData:
		take := int(min(p.remain, int64(len(b))))
		if p.remain -= int64(take); p.remain > 0 {
			return take, false, nil
		}
		if p.state == stChunkData {
			p.state = stChunkEnd
			return take, false, nil
		}
		return take, p.finish(), nil
	}
	line, n, ok, err := p.nextLine(b)
	if err != nil || !ok {
		return n, false, err
	}
	done, err := p.onLine(line)
	p.line = p.line[:0]
	return n, done, err
}

// nextLine returns the next complete line without its CR LF (a bare LF is
// accepted), joining it with the part carried from earlier reads. When b
// holds no line end, it carries b and reports ok == false. The line is
// valid until the carry buffer is reset.
func (p *respParser) nextLine(b []byte) (line []byte, n int, ok bool, err error) {
	i := bytes.IndexByte(b, '\n')
	end := i
	if i < 0 {
		end = len(b)
	}
	if len(p.line)+end > maxLine {
		return nil, 0, false, fmt.Errorf("%w: line longer than %d bytes", ErrFraming, maxLine)
	}
	if i < 0 {
		p.line = append(p.line, b...)
		return nil, len(b), false, nil
	}
	line = b[:i]
	if len(p.line) > 0 {
		p.line = append(p.line, line...)
		line = p.line
	}
	return bytes.TrimSuffix(line, []byte("\r")), i + 1, true, nil
}

// finish ends a response and readies the parser for the next one.
func (p *respParser) finish() bool {
	p.state, p.length, p.chunked, p.remain = stStatus, -1, false, 0
	return true
}
