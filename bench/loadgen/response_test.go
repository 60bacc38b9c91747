package loadgen

import (
	"errors"
	"strings"
	"testing"
)

// feedAll feeds chunks in order and returns the bytes consumed, whether a
// response completed (and stops there) and the first error.
func feedAll(p *respParser, chunks ...string) (int, bool, error) {
	total := 0
	for _, c := range chunks {
		n, done, err := p.feed([]byte(c))
		total += n
		if err != nil || done {
			return total, done, err
		}
	}
	return total, false, nil
}

func TestRespParser(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantDone   bool
		wantStatus int
		wantErr    bool
		trailing   int // bytes left after the response
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", true, 200, false, 0},
		{"content-length mixed case and spaces", "HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:\t 3 \r\nServer: x\r\n\r\nabc", true, 200, false, 0},
		{"zero length", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true, 200, false, 0},
		{"incomplete body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", false, 200, false, 0},
		{"incomplete head", "HTTP/1.1 200 OK\r\nContent-Len", false, 200, false, 0},
		{"bytes after the response are left", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1", true, 200, false, 8},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", true, 200, false, 0},
		{"chunked with extension, upper-case hex and trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\nA;x=y\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n", true, 200, false, 0},
		{"chunked wins over content-length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", true, 200, false, 0},
		{"bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", true, 200, false, 0},
		{"status without reason", "HTTP/1.1 204\r\n\r\n", true, 204, false, 0},
		{"304 has no body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", true, 304, false, 0},
		{"interim 100 then the response", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nContent-Length: 1\r\n\r\nx", true, 503, false, 0},
		{"HTTP/1.0 status line", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", true, 200, false, 0},
		{"close-delimited body", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nabc", false, 200, true, 0},
		{"bad status line", "HTTP/2 200\r\n\r\n", false, 0, true, 0},
		{"bad status code", "HTTP/1.1 2x0 OK\r\n", false, 0, true, 0},
		{"status code too long", "HTTP/1.1 2000 OK\r\n", false, 0, true, 0},
		{"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, 200, true, 0},
		{"conflicting content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false, 200, true, 0},
		{"huge content-length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", false, 200, true, 0},
		{"transfer-encoding not chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, 200, true, 0},
		{"header without colon", "HTTP/1.1 200 OK\r\nnope\r\n\r\n", false, 200, true, 0},
		{"folded header", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", false, 200, true, 0},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, 200, true, 0},
		{"chunk data longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", false, 200, true, 0},
		{"upgrade", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", false, 101, true, 0},
		{"line too long", "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", maxLine) + "\r\n\r\n", false, 200, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newRespParser()
			n, done, err := feedAll(&p, tt.in)
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrFraming)) {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if done != tt.wantDone || p.status != tt.wantStatus {
				t.Errorf("done = %v, status = %d; want %v, %d", done, p.status, tt.wantDone, tt.wantStatus)
			}
			if err == nil && len(tt.in)-n != tt.trailing {
				t.Errorf("left %d bytes, want %d", len(tt.in)-n, tt.trailing)
			}
		})
	}
}

// Every way of splitting a response into two or three reads frames it
// exactly as one read does.
func TestRespParserSplitAcrossReads(t *testing.T) {
	responses := []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 16\r\nContent-Type: text/plain\r\n\r\n0123456789abcdef",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;e=1\r\nabcd\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
	}
	for _, in := range responses {
		for i := 0; i <= len(in); i++ {
			for j := i; j <= len(in); j += 7 {
				p := newRespParser()
				n, done, err := feedAll(&p, in[:i], in[i:j], in[j:])
				if err != nil || !done || n != len(in) || p.status != 200 {
					t.Fatalf("split at %d, %d of %q: n %d, done %v, status %d, err %v", i, j, in, n, done, p.status, err)
				}
			}
		}
	}
}

// The parser frames one response after another on the same connection.
func TestRespParserKeepAlive(t *testing.T) {
	p := newRespParser()
	for i, in := range []string{
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
		"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
	} {
		n, done, err := feedAll(&p, in)
		if err != nil || !done || n != len(in) {
			t.Fatalf("response %d: n %d, done %v, err %v", i, n, done, err)
		}
	}
	if p.status != 200 {
		t.Errorf("status = %d, want 200", p.status)
	}
}

func TestRespParserDoesNotAllocate(t *testing.T) {
	whole := []byte("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nServer: x\r\n\r\nbody")
	chunked := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n")
	p := newRespParser()
	allocs := testing.AllocsPerRun(200, func() {
		for _, b := range [][]byte{whole, chunked} {
			// Split inside a header line so the carry buffer is used.
			if _, _, err := p.feed(b[:20]); err != nil {
				panic(err)
			}
			if _, done, err := p.feed(b[20:]); err != nil || !done {
				panic("not done")
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per two responses", allocs)
	}
}

// FuzzRespParser checks that the parser never panics and that splitting
// the input into two reads never changes how it is framed.
func FuzzRespParser(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 10)
	f.Add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\r\nhello\r\n0\r\nT: 1\r\n\r\n", 30)
	f.Add("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 3)
	f.Fuzz(func(t *testing.T, in string, split int) {
		if split < 0 || split > len(in) {
			split = len(in) / 2
		}
		a := newRespParser()
		n1, done1, err1 := feedAll(&a, in)
		b := newRespParser()
		n2, done2, err2 := feedAll(&b, in[:split], in[split:])
		if n1 > len(in) || n2 > len(in) {
			t.Fatalf("consumed %d / %d of %d bytes", n1, n2, len(in))
		}
		if (err1 == nil) != (err2 == nil) || done1 != done2 || (done1 && (n1 != n2 || a.status != b.status)) {
			t.Fatalf("whole: %d %v %v status %d; split at %d: %d %v %v status %d", n1, done1, err1, a.status, split, n2, done2, err2, b.status)
		}
	})
}
