package http

import (
	"bytes"
	"slices"
	"testing"
)

// headParser is what Request and Response have in common, for feeding tests.
type headParser interface {
	Parse(buf []byte) (int, error)
	Framing() Framing
}

// message is the outcome of parsing one whole message.
type message struct {
	n       int    // bytes the message took
	payload []byte // body payload
	err     error
	fields  [][2]string
}

func (m message) equal(o message) bool {
	return m.n == o.n && bytes.Equal(m.payload, o.payload) && m.err == o.err && slices.Equal(m.fields, o.fields)
}

func fieldsOf(h *Headers) [][2]string {
	var f [][2]string
	for name, value := range h.All() {
		f = append(f, [2]string{string(name), string(value)})
	}
	return f
}

// parseInReads parses one message from in as it arrives in reads cut at the given offsets, the
// way an event loop does: the head parser sees everything received so far (in a new buffer each
// time, the old one scribbled over, so no state may point into it), and body bytes are
// discarded as soon as the decoder consumed them.
func parseInReads(p headParser, h *Headers, in []byte, cuts []int) message {
	var buf []byte
	var body Body
	var m message
	headDone := false
	prev := 0
	for _, cut := range append(cuts, len(in)) {
		grown := append(bytes.Clone(buf), in[prev:cut]...)
		for i := range buf {
			buf[i] = '!'
		}
		buf, prev = grown, cut
		if !headDone {
			n, err := p.Parse(buf)
			if err == ErrNeedMore {
				continue
			}
			if err != nil {
				return message{err: err}
			}
			headDone, m.n, m.fields = true, n, fieldsOf(h)
			buf = buf[n:]
			if err := body.Reset(p.Framing(), 0); err != nil {
				return message{err: err}
			}
		}
		for len(buf) > 0 && !body.Done() {
			k, data, err := body.Next(buf)
			m.payload = append(m.payload, data...)
			m.n += k
			buf = buf[k:]
			if err != nil && err != ErrNeedMore {
				return message{err: err}
			}
		}
		if body.Done() {
			return m
		}
	}
	if !headDone {
		return message{err: ErrTruncatedBody}
	}
	if err := body.EOF(); err != nil {
		return message{err: err}
	}
	return m
}

// checkSplits checks that every way of cutting in into two reads, and reading it byte by byte,
// gives the same result as one read.
func checkSplits(t *testing.T, newParser func() (headParser, *Headers), in []byte) {
	t.Helper()
	p, h := newParser()
	want := parseInReads(p, h, in, nil)
	for i := 1; i < len(in); i++ {
		p, h := newParser()
		if got := parseInReads(p, h, in, []int{i}); !got.equal(want) {
			t.Fatalf("split at %d: got %+v, want %+v", i, got, want)
		}
	}
	cuts := make([]int, 0, len(in))
	for i := 1; i < len(in); i++ {
		cuts = append(cuts, i)
	}
	p, h = newParser()
	if got := parseInReads(p, h, in, cuts); !got.equal(want) {
		t.Fatalf("byte by byte: got %+v, want %+v", got, want)
	}
}

func newRequestParser() (headParser, *Headers) {
	r := new(Request)
	return r, &r.Header
}

func TestRequestSplits(t *testing.T) {
	for _, c := range loadCorpus(t, "testdata/requests.txt") {
		t.Run(c.name, func(t *testing.T) {
			checkSplits(t, newRequestParser, c.input)
		})
	}
	t.Run("head too large", func(t *testing.T) {
		in := []byte(crlf("GET /aaaaaaaa HTTP/1.1\nHost: a\nX: bbbbbbbbbbbbbbbbbbbbbbbbb\n\n"))
		checkSplits(t, func() (headParser, *Headers) {
			r := &Request{Limits: Limits{MaxHeadBytes: 40}}
			return r, &r.Header
		}, in)
	})
}

func TestResponseSplits(t *testing.T) {
	tests := []struct {
		name, method, in string
	}{
		{"length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT"},
		{"chunked with trailers", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nwiki\r\n5\r\npedia\r\n0\r\nT: v\r\n\r\nNEXT"},
		{"until close", "GET", "HTTP/1.1 200 OK\r\n\r\nall of it"},
		{"head", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nNEXT"},
		{"bad chunk", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwikiXX"},
		{"truncated", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSplits(t, func() (headParser, *Headers) {
				r := new(Response)
				r.Reset([]byte(tt.method))
				return r, &r.Header
			}, []byte(tt.in))
		})
	}
}

func TestPipelined(t *testing.T) {
	in := []byte(crlf("GET /1 HTTP/1.1\nHost: a\n\n") +
		crlf("POST /2 HTTP/1.1\nHost: a\nContent-Length: 3\n\n") + "abc" +
		crlf("POST /3 HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n3\ndef\n0\n\n") +
		crlf("\nGET /4 HTTP/1.1\nHost: a\nConnection: close\n\n"))
	type result struct {
		target, payload string
		keepAlive       bool
	}
	want := []result{{"/1", "", true}, {"/2", "abc", true}, {"/3", "def", true}, {"/4", "", false}}
	var got []result
	var r Request
	var b Body
	for buf := in; len(buf) > 0; {
		r.Reset()
		n, err := r.Parse(buf)
		if err != nil {
			t.Fatalf("request %d: %v", len(got)+1, err)
		}
		res := result{target: string(r.Target()), keepAlive: r.KeepAlive()}
		buf = buf[n:]
		if err := b.Reset(r.Framing(), 0); err != nil {
			t.Fatal(err)
		}
		for !b.Done() {
			k, data, err := b.Next(buf)
			if err != nil {
				t.Fatalf("request %d body: %v", len(got)+1, err)
			}
			res.payload += string(data)
			buf = buf[k:]
		}
		got = append(got, res)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
