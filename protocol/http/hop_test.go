package http

import (
	"slices"
	"testing"
)

func TestIsHopByHop(t *testing.T) {
	for _, name := range []string{"Connection", "keep-alive", "PROXY-CONNECTION", "te", "Transfer-Encoding", "upgrade"} {
		if !IsHopByHop([]byte(name)) {
			t.Errorf("%s: not hop-by-hop", name)
		}
	}
	for _, name := range []string{"Trailer", "Host", "Content-Length", "Proxy-Authorization", "tex", "Upgrade-Insecure-Requests"} {
		if IsHopByHop([]byte(name)) {
			t.Errorf("%s: hop-by-hop", name)
		}
	}
}

func TestHeadersHopByHop(t *testing.T) {
	r := mustParseRequest(t, "GET / HTTP/1.1\nHost: a\nConnection: x-a , ,X-B\nX-A: 1\nx-b: 2\nX-C: 3\n"+
		"Connection: content-length, host\nContent-Length: 0\nKeep-Alive: 1\n\n")
	var kept []string
	for i := range r.Header.EndToEnd {
		kept = append(kept, string(r.Header.Name(i)))
	}
	if want := []string{"Host", "X-C", "Content-Length"}; !slices.Equal(kept, want) {
		t.Errorf("EndToEnd = %q, want %q", kept, want)
	}
}

func TestHeadersLookup(t *testing.T) {
	r := mustParseRequest(t, "GET / HTTP/1.1\nHost: a\nAccept: x\naccept: y\nX-Empty:\n\n")
	h := &r.Header
	if v, ok := h.Get("ACCEPT"); !ok || string(v) != "x" {
		t.Errorf("Get = %q, %v", v, ok)
	}
	if v, ok := h.Get("x-empty"); !ok || len(v) != 0 {
		t.Errorf("Get empty = %q, %v", v, ok)
	}
	if _, ok := h.Get("Accep"); ok || h.Has("missing") || !h.Has("host") {
		t.Error("lookup of absent names")
	}
	var values []string
	for v := range h.Values("Accept") {
		values = append(values, string(v))
	}
	if !slices.Equal(values, []string{"x", "y"}) {
		t.Errorf("Values = %q", values)
	}
	n := 0
	h.Range(func(name, value []byte) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("Range did not stop: %d calls", n)
	}
	if i := h.Index("accept", 2); i != 2 {
		t.Errorf("Index from 2 = %d", i)
	}
}
