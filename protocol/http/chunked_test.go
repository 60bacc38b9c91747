package http

import (
	"bytes"
	"strings"
	"testing"
)

// decodeChunked runs a chunked body through Next in one read and returns the bytes consumed, the
// payload runs and the error (nil when the body ended).
func decodeChunked(b *Body, in []byte) (n int, runs []string, err error) {
	for {
		k, data, err := b.Next(in[n:])
		n += k
		if len(data) > 0 {
			runs = append(runs, string(data))
		}
		if err != nil || b.Done() {
			return n, runs, err
		}
	}
}

func TestChunkedBoundaries(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int // bytes of body; -1: all of in
		runs []string
		err  error
	}{
		{"one chunk", "5\r\nhello\r\n0\r\n\r\nGET", 15, []string{"hello"}, nil},
		{"two chunks", "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", -1, []string{"abc", "de"}, nil},
		{"last chunk only", "0\r\n\r\nX", 5, nil, nil},
		{"extensions", "3;a=b;c\r\nabc\r\n0;z\r\n\r\n", -1, []string{"abc"}, nil},
		{"bws before extension", "3 \t;a\r\nabc\r\n0\r\n\r\n", -1, []string{"abc"}, nil},
		{"trailers", "1\r\nx\r\n0\r\nA: 1\r\nB-2:\r\n\r\nNEXT", 23, []string{"x"}, nil},
		{"uppercase hex", "A\r\n0123456789\r\n0\r\n\r\n", -1, []string{"0123456789"}, nil},
		{"max size", "7fffffffffffffff\r\nab", -1, []string{"ab"}, ErrNeedMore},
		{"incomplete size line", "5", -1, nil, ErrNeedMore},
		{"incomplete data", "5\r\nhel", -1, []string{"hel"}, ErrNeedMore},
		{"incomplete trailers", "0\r\nA: 1\r\n", -1, nil, ErrNeedMore},
		{"size overflow", "8000000000000000\r\n", 15, nil, ErrBadChunkSize},
		{"no digits", ";a\r\n", 0, nil, ErrBadChunkSize},
		{"size then junk", "5x\r\n", 1, nil, ErrBadChunkSize},
		{"space inside size", "1 0\r\n", 2, nil, ErrBadChunkSize},
		{"CR without LF", "5\rX", 2, nil, ErrBadChunkSize},
		{"bare LF after size", "5\nhello", 1, nil, ErrBareLF},
		{"bare LF after data", "1\r\nx\n", 4, []string{"x"}, ErrBareLF},
		{"junk after data", "1\r\nxy\r\n", 4, []string{"x"}, ErrBadChunkDelimiter},
		{"CR then junk after data", "1\r\nx\rX", 5, []string{"x"}, ErrBadChunkDelimiter},
		{"control in extension", "1;\x7f\r\n", 2, nil, ErrBadChunkExtension},
		{"extension too long", "1;" + strings.Repeat("a", maxChunkLine) + "\r\n", maxChunkLine, nil, ErrBadChunkExtension},
		{"trailer fold", "0\r\nA: 1\r\n  2\r\n\r\n", 9, nil, ErrInvalidTrailer},
		{"trailer without colon", "0\r\nA\r\n\r\n", 4, nil, ErrInvalidTrailer},
		{"trailer bare LF", "0\r\nA: 1\n", 7, nil, ErrBareLF},
		{"trailer end bare LF", "0\r\n\n", 3, nil, ErrBareLF},
		{"trailer end CR junk", "0\r\n\rX", 4, nil, ErrInvalidTrailer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Body
			if err := b.Reset(Framing{Kind: BodyChunked}, 0); err != nil {
				t.Fatal(err)
			}
			n, runs, err := decodeChunked(&b, []byte(tt.in))
			want := tt.n
			if want < 0 {
				want = len(tt.in)
			}
			if n != want || err != tt.err || strings.Join(runs, "|") != strings.Join(tt.runs, "|") {
				t.Errorf("got n=%d runs=%q err=%v; want n=%d runs=%q err=%v", n, runs, err, want, tt.runs, tt.err)
			}
			if tt.err != nil && tt.err != ErrNeedMore {
				if _, again := b.Parse([]byte("0\r\n\r\n")); again != tt.err {
					t.Errorf("error not sticky: %v", again)
				}
			}
		})
	}
}

func TestChunkedLimits(t *testing.T) {
	var b Body
	if err := b.Reset(Framing{Kind: BodyChunked}, 5); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Parse([]byte("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")); err != nil || n != 20 {
		t.Errorf("body of exactly the limit: %d, %v", n, err)
	}
	_ = b.Reset(Framing{Kind: BodyChunked}, 5)
	if n, err := b.Parse([]byte("3\r\nabc\r\n3\r\n")); err != ErrBodyTooLarge || n != 10 {
		t.Errorf("body over the limit: %d, %v; want 10, ErrBodyTooLarge", n, err)
	}
	b.MaxTrailerBytes = 8
	_ = b.Reset(Framing{Kind: BodyChunked}, 0)
	if b.MaxTrailerBytes != 8 {
		t.Fatal("Reset dropped MaxTrailerBytes")
	}
	if _, err := b.Parse([]byte("0\r\nA: 1234\r\n\r\n")); err != ErrTrailerTooLarge {
		t.Errorf("trailers over the limit: %v", err)
	}
	_ = b.Reset(Framing{Kind: BodyChunked}, 0)
	if _, err := b.Parse([]byte("0\r\nA: 1\r\n\r\n")); err != nil {
		t.Errorf("trailers of exactly the limit: %v", err)
	}
}

func TestChunkEncoding(t *testing.T) {
	var enc []byte
	enc = AppendChunk(enc, []byte("hello"))
	enc = AppendChunk(enc, nil)
	enc = AppendChunk(enc, bytes.Repeat([]byte("x"), 300))
	enc = AppendLastChunk(enc)
	want := "5\r\nhello\r\n12c\r\n" + strings.Repeat("x", 300) + "\r\n0\r\n\r\n"
	if string(enc) != want {
		t.Fatalf("encoded %q", enc)
	}
	var b Body
	_ = b.Reset(Framing{Kind: BodyChunked}, 0)
	n, runs, err := decodeChunked(&b, enc)
	if err != nil || n != len(enc) || strings.Join(runs, "") != "hello"+strings.Repeat("x", 300) {
		t.Errorf("decode: n=%d err=%v runs=%q", n, err, runs)
	}
}
