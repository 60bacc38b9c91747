package http

import (
	"bytes"
	"slices"
	"testing"
)

// keptFields lists the fields a re-encoded head should carry: the received ones that are not
// hop-by-hop, plus Transfer-Encoding.
func keptFields(h *Headers) [][2]string {
	var f [][2]string
	for i := range h.Len() {
		if name := h.Name(i); !h.HopByHop(i) || equalFold(name, "transfer-encoding") {
			f = append(f, [2]string{string(name), string(h.Value(i))})
		}
	}
	return f
}

// checkFields checks what a parser accepted against the grammar.
func checkFields(t *testing.T, h *Headers) {
	t.Helper()
	for name, value := range h.All() {
		if !ValidFieldName(string(name)) || !ValidFieldValue(value) {
			t.Fatalf("accepted field %q: %q", name, value)
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	for _, c := range loadCorpus(f, "testdata/requests.txt") {
		f.Add(c.input, uint16(len(c.input)/2))
	}
	r := new(Request)
	r.Parse([]byte(crlf("POST http://a.example/x?y HTTP/1.1\nHost: a.example\nConnection: x-a\nX-A: 1\nTransfer-Encoding: chunked\n\n")))
	f.Add(AppendRequest(nil, r, &RequestEdit{Target: r.PathQuery(), Add: []Field{{"X-Forwarded-For", []byte("192.0.2.1")}}}), uint16(9))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		var r Request
		n, err := r.Parse(data)
		var s Request
		s.Parse(data[:int(split)%(len(data)+1)])
		if n2, err2 := s.Parse(data); n2 != n || err2 != err {
			t.Fatalf("split at %d: %d, %v; one read: %d, %v", split, n2, err2, n, err)
		}
		if err != nil {
			return
		}
		if n <= 0 || n > len(data) || len(r.Method()) == 0 || len(r.Target()) == 0 {
			t.Fatalf("accepted n=%d method %q target %q", n, r.Method(), r.Target())
		}
		checkFields(t, &r.Header)
		checkRequestRoundTrip(t, &r)
	})
}

// checkRequestRoundTrip re-encodes r and parses the result.
func checkRequestRoundTrip(t *testing.T, r *Request) {
	edit := &RequestEdit{}
	want := keptFields(&r.Header)
	if !r.Header.Has("host") {
		edit.Host = []byte("h")
		want = append([][2]string{{"Host", "h"}}, want...)
	}
	out := AppendRequest(nil, r, edit)
	r2 := Request{Limits: Limits{MaxHeadBytes: 1 << 20}}
	n, err := r2.Parse(out)
	switch {
	case err != nil || n != len(out):
		t.Fatalf("re-encoded %q: %d, %v", out, n, err)
	case !bytes.Equal(r2.Method(), r.Method()) || !bytes.Equal(r2.Target(), r.Target()):
		t.Fatalf("re-encoded %q: request line changed", out)
	case r2.Framing() != r.Framing():
		t.Fatalf("re-encoded %q: framing %+v, was %+v", out, r2.Framing(), r.Framing())
	case !slices.Equal(fieldsOf(&r2.Header), want):
		t.Fatalf("re-encoded %q: fields %q, want %q", out, fieldsOf(&r2.Header), want)
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nConnection: x\r\nX: 1\r\n\r\n",
		"HTTP/1.0 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
		"HTTP/1.1 404\r\n\r\n",
		"HTTP/1.1 200 OK\nBad: lf\n\n",
	} {
		f.Add([]byte(s), uint16(7), byte(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16, method byte) {
		m := [][]byte{[]byte("GET"), []byte("HEAD"), []byte("CONNECT")}[int(method)%3]
		var r, s Response
		r.Reset(m)
		s.Reset(m)
		n, err := r.Parse(data)
		s.Parse(data[:int(split)%(len(data)+1)])
		if n2, err2 := s.Parse(data); n2 != n || err2 != err {
			t.Fatalf("split at %d: %d, %v; one read: %d, %v", split, n2, err2, n, err)
		}
		if err != nil {
			return
		}
		checkFields(t, &r.Header)
		out := AppendResponse(nil, &r, nil)
		r2 := Response{Limits: Limits{MaxHeadBytes: 1 << 20}}
		r2.Reset(m)
		n2, err := r2.Parse(out)
		switch {
		case err != nil || n2 != len(out):
			t.Fatalf("re-encoded %q: %d, %v", out, n2, err)
		case r2.Status() != r.Status() || !bytes.Equal(r2.Reason(), r.Reason()) || r2.Framing() != r.Framing():
			t.Fatalf("re-encoded %q: status line or framing changed", out)
		case !slices.Equal(fieldsOf(&r2.Header), keptFields(&r.Header)):
			t.Fatalf("re-encoded %q: fields %q", out, fieldsOf(&r2.Header))
		}
	})
}

// decodeAll decodes a chunked body from in arriving in two reads cut at split, as a proxy
// does (consumed bytes are dropped), and returns the bytes consumed, the payload and the error.
func decodeAll(in []byte, split int, limit int64) (int, []byte, error) {
	var b Body
	_ = b.Reset(Framing{Kind: BodyChunked}, limit)
	var payload []byte
	n := 0
	for _, end := range []int{split, len(in)} {
		for n < end && !b.Done() {
			k, data, err := b.Next(in[n:end])
			payload = append(payload, data...)
			n += k
			if err != nil && err != ErrNeedMore {
				return n, payload, err
			}
		}
	}
	if b.Done() {
		return n, payload, nil
	}
	return n, payload, ErrNeedMore
}

func FuzzChunked(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"), uint16(3), uint16(0))
	f.Add([]byte("3;ext=\"q\"\r\nabc\r\n0\r\nTrailer: v\r\n\r\nGET"), uint16(12), uint16(2))
	f.Add([]byte("ffffffffffffffff0\r\n"), uint16(1), uint16(0))
	f.Add(AppendLastChunk(AppendChunk(nil, bytes.Repeat([]byte("z"), 40))), uint16(20), uint16(39))
	f.Fuzz(func(t *testing.T, data []byte, split, limit uint16) {
		cut := int(split) % (len(data) + 1)
		n, payload, err := decodeAll(data, len(data), int64(limit))
		n2, payload2, err2 := decodeAll(data, cut, int64(limit))
		if n != n2 || err != err2 || !bytes.Equal(payload, payload2) {
			t.Fatalf("split at %d: %d %q %v; one read: %d %q %v", cut, n2, payload2, err2, n, payload, err)
		}
		if n > len(data) || (err == nil && len(payload) > 0 && limit > 0 && len(payload) > int(limit)) {
			t.Fatalf("consumed %d of %d, payload %d over limit %d", n, len(data), len(payload), limit)
		}
		if err != nil {
			return
		}
		out := AppendLastChunk(AppendChunk(nil, payload))
		n3, payload3, err3 := decodeAll(out, len(out)/2, 0)
		if err3 != nil || n3 != len(out) || !bytes.Equal(payload3, payload) {
			t.Fatalf("re-encoded %q: %d %q %v", out, n3, payload3, err3)
		}
	})
}
