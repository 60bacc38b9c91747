package dubbo

import (
	"bufio"
	"bytes"
	"testing"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// benchInvocation is a typical dubbo-go call: three arguments (one a POJO) and the attachments
// a dubbo-go client sends, about 400 bytes.
var benchInvocation = &Invocation{
	Path: "org.apache.dubbo.samples.UserProvider", Version: "1.0.0", Method: "GetUser",
	Args: []any{"A001", int32(18), &User{ID: "A001", Name: "Alex", Age: 18}},
	Attachments: map[string]any{
		"group": "g1", "timeout": "3000", "application": "user-consumer",
		"traceid": "7f3a9c2e5b1d4f60", "env": "prod",
	},
}

func benchRequest(b *testing.B) []byte {
	f, err := AppendRequest(nil, 1, true, benchInvocation)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

func BenchmarkNextFrame(b *testing.B) {
	stream := bytes.Join([][]byte{benchRequest(b), AppendHeartbeatRequest(nil, 2), benchRequest(b)}, nil)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		buf := stream
		for len(buf) > 0 {
			f, _, err := NextFrame(buf, 0)
			if err != nil || f == nil {
				b.Fatal(err)
			}
			buf = buf[len(f):]
		}
	}
}

func BenchmarkParseRequestHead(b *testing.B) {
	body := benchRequest(b)[HeaderSize:]
	var h RequestHead
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseRequestHead(body, &h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPutID(b *testing.B) {
	f := benchRequest(b)
	b.ReportAllocs()
	id := uint64(0)
	for b.Loop() {
		id++
		PutID(f, id)
	}
}

func BenchmarkDecodeAttachments(b *testing.B) {
	body := benchRequest(b)[HeaderSize:]
	var h RequestHead
	if err := ParseRequestHead(body, &h); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if m, err := DecodeAttachments(body, &h); err != nil || len(m) != 8 {
			b.Fatal(m, err)
		}
	}
}

func BenchmarkDecodeArguments(b *testing.B) {
	body := benchRequest(b)[HeaderSize:]
	var h RequestHead
	if err := ParseRequestHead(body, &h); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeArguments(body, &h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLibraryReadAttachments is the library's way to the attachments, for comparison.
func BenchmarkLibraryReadAttachments(b *testing.B) {
	f := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		c := hessian.NewHessianCodec(bufio.NewReaderSize(bytes.NewReader(f), len(f)))
		var h hessian.DubboHeader
		if err := c.ReadHeader(&h); err != nil {
			b.Fatal(err)
		}
		if _, err := c.ReadAttachments(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseRequestHeadDoesNotAllocate(t *testing.T) {
	f, err := AppendRequest(nil, 1, true, benchInvocation)
	if err != nil {
		t.Fatal(err)
	}
	body := f[HeaderSize:]
	var h RequestHead
	allocs := testing.AllocsPerRun(100, func() {
		if _, _, err := NextFrame(f, 0); err != nil {
			t.Fatal(err)
		}
		if err := ParseRequestHead(body, &h); err != nil {
			t.Fatal(err)
		}
		if _, err := h.ParamCount(); err != nil {
			t.Fatal(err)
		}
		PutID(f, 2)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per request", allocs)
	}
}
