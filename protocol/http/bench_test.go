package http

import (
	"bufio"
	"bytes"
	nethttp "net/http"
	"testing"
)

// benchRequest is a typical browser GET: request line and 10 fields, 480 bytes.
var benchRequest = []byte("GET /products/1234?ref=home&lang=en HTTP/1.1\r\n" +
	"Host: shop.example.com\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
	"Accept-Language: en-US,en;q=0.5\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n" +
	"Connection: keep-alive\r\n" +
	"Cookie: session=0123456789abcdef; theme=dark\r\n" +
	"Upgrade-Insecure-Requests: 1\r\n" +
	"Cache-Control: max-age=0\r\n" +
	"X-Request-Id: 9f2c1d7e-55aa-4b4e-8f0e-123456789abc\r\n" +
	"\r\n")

// benchResponse is a typical response head with 7 fields.
var benchResponse = []byte("HTTP/1.1 200 OK\r\n" +
	"Date: Tue, 15 Apr 2025 10:00:00 GMT\r\n" +
	"Content-Type: application/json; charset=utf-8\r\n" +
	"Content-Length: 1024\r\n" +
	"Cache-Control: no-cache\r\n" +
	"Server: upstream\r\n" +
	"Vary: Accept-Encoding\r\n" +
	"X-Envoy-Upstream-Service-Time: 3\r\n" +
	"\r\n")

func BenchmarkParseRequest(b *testing.B) {
	var r Request
	b.SetBytes(int64(len(benchRequest)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset()
		if _, err := r.Parse(benchRequest); err != nil {
			b.Fatal(err)
		}
		if _, ok := r.Header.Get("cookie"); !ok || !r.KeepAlive() {
			b.Fatal("lookup")
		}
	}
}

// BenchmarkParseRequestInReads feeds the head in three reads, as a slow client would.
func BenchmarkParseRequestInReads(b *testing.B) {
	var r Request
	cuts := []int{100, 300, len(benchRequest)}
	b.SetBytes(int64(len(benchRequest)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset()
		var err error
		for _, c := range cuts {
			_, err = r.Parse(benchRequest[:c])
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseResponse(b *testing.B) {
	var r Response
	method := []byte("GET")
	b.SetBytes(int64(len(benchResponse)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(method)
		if _, err := r.Parse(benchResponse); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendRequest is the proxy's re-encoding of benchRequest towards the upstream.
func BenchmarkAppendRequest(b *testing.B) {
	var r Request
	if _, err := r.Parse(benchRequest); err != nil {
		b.Fatal(err)
	}
	edit := &RequestEdit{
		Host:   []byte("products.svc.cluster.local"),
		Remove: []string{"x-request-id"},
		Add: []Field{
			{Name: "X-Forwarded-For", Value: []byte("192.0.2.7")},
			{Name: "X-Forwarded-Proto", Value: []byte("http")},
			{Name: "X-Request-Id", Value: []byte("9f2c1d7e-55aa-4b4e-8f0e-123456789abc")},
		},
	}
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendRequest(dst[:0], &r, edit)
	}
}

func BenchmarkAppendResponse(b *testing.B) {
	var r Response
	if _, err := r.Parse(benchResponse); err != nil {
		b.Fatal(err)
	}
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendResponse(dst[:0], &r, nil)
	}
}

// BenchmarkChunked decodes a 16 KiB body sent in 1 KiB chunks.
func BenchmarkChunked(b *testing.B) {
	var body []byte
	chunk := bytes.Repeat([]byte("x"), 1024)
	for range 16 {
		body = AppendChunk(body, chunk)
	}
	body = AppendLastChunk(body)
	var d Body
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_ = d.Reset(Framing{Kind: BodyChunked}, 0)
		if n, err := d.Parse(body); err != nil || n != len(body) {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkAppendReply(b *testing.B) {
	reply := &Reply{Status: 429, ContentType: "text/plain", Body: []byte("rate limited")}
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendReply(dst[:0], reply)
	}
}

// TestZeroAllocs holds the steady-state path to its budget: no allocation.
func TestZeroAllocs(t *testing.T) {
	var r Request
	var resp Response
	var body Body
	chunked := AppendLastChunk(AppendChunk(nil, []byte("payload")))
	dst := make([]byte, 0, 2048)
	edit := &RequestEdit{Host: []byte("h"), Remove: []string{"cookie"}, Add: []Field{{"X-Forwarded-For", []byte("192.0.2.7")}}}
	tests := []struct {
		name string
		fn   func()
	}{
		{"parse request", func() { r.Reset(); r.Parse(benchRequest) }},
		{"parse request in reads", func() { r.Reset(); r.Parse(benchRequest[:50]); r.Parse(benchRequest) }},
		{"header lookups", func() {
			r.Header.Get("accept")
			for range r.Header.All() {
			}
			for range r.Header.Values("accept") {
			}
			for range r.Header.EndToEnd {
			}
			r.Upgrade()
			r.Host()
		}},
		{"parse response", func() { resp.Reset(nil); resp.Parse(benchResponse) }},
		{"chunked body", func() { body.Reset(Framing{Kind: BodyChunked}, 100); body.Parse(chunked) }},
		{"append request", func() { dst = AppendRequest(dst[:0], &r, edit) }},
		{"append response", func() { dst = AppendResponse(dst[:0], &resp, nil) }},
		{"append reply", func() { dst = AppendReply(dst[:0], &Reply{Status: 503, Body: []byte("no upstream")}) }},
		{"status code", func() { StatusCode(ErrBareLF) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn()
			if n := testing.AllocsPerRun(100, tt.fn); n != 0 {
				t.Errorf("%v allocations per run, want 0", n)
			}
		})
	}
}

// BenchmarkNetHTTPReadRequest is net/http's parser on the same head, for comparison.
func BenchmarkNetHTTPReadRequest(b *testing.B) {
	src := bytes.NewReader(benchRequest)
	br := bufio.NewReader(src)
	b.SetBytes(int64(len(benchRequest)))
	b.ReportAllocs()
	for b.Loop() {
		src.Reset(benchRequest)
		br.Reset(src)
		if _, err := nethttp.ReadRequest(br); err != nil {
			b.Fatal(err)
		}
	}
}
