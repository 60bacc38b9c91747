package server

import (
	"crypto/tls"
	"net"
	"slices"
	"testing"
	"time"
)

// clientHelloBytes returns the first flight of a real crypto/tls client: its ClientHello record.
func clientHelloBytes(t testing.TB, serverName string, alpn []string) []byte {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		_ = tls.Client(c, &tls.Config{ServerName: serverName, NextProtos: alpn, InsecureSkipVerify: true}).Handshake()
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	var buf []byte
	tmp := make([]byte, 4096)
	for {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if _, res := parseClientHello(buf); res != helloMore || err != nil {
			return buf
		}
	}
}

// splitRecords re-frames the handshake message of a one-record ClientHello into records of at
// most n bytes each.
func splitRecords(rec []byte, n int) []byte {
	hdr, msg := rec[:5], rec[5:]
	var out []byte
	for len(msg) > 0 {
		k := min(n, len(msg))
		out = append(out, hdr[0], hdr[1], hdr[2], byte(k>>8), byte(k))
		out = append(out, msg[:k]...)
		msg = msg[k:]
	}
	return out
}

func TestParseClientHello(t *testing.T) {
	hello := clientHelloBytes(t, "API.Example.com", []string{"istio-peer-exchange", "h2", "http/1.1"})
	noExt := clientHelloBytes(t, "", nil)
	for _, tc := range []struct {
		name string
		buf  []byte
		res  helloResult
		sni  string
		alpn []string
	}{
		{"crypto/tls ClientHello", hello, helloFound, "api.example.com", []string{"istio-peer-exchange", "h2", "http/1.1"}},
		{"without SNI and ALPN", noExt, helloFound, "", nil},
		{"split over records", splitRecords(hello, 50), helloFound, "api.example.com", []string{"istio-peer-exchange", "h2", "http/1.1"}},
		{"first byte only", hello[:1], helloMore, "", nil},
		{"record header only", hello[:5], helloMore, "", nil},
		{"all but the last byte", hello[:len(hello)-1], helloMore, "", nil},
		{"first of split records", splitRecords(hello, 50)[:60], helloMore, "", nil},
		{"empty", nil, helloMore, "", nil},
		{"plaintext HTTP", []byte("GET / HTTP/1.1\r\n"), helloNot, "", nil},
		{"SSLv2-style version", []byte{22, 2, 0, 0, 1, 1}, helloNot, "", nil},
		{"alert record", []byte{21, 3, 3, 0, 2, 2, 40}, helloNot, "", nil},
		{"server hello", []byte{22, 3, 3, 0, 4, 2, 0, 0, 0}, helloNot, "", nil},
		{"truncated body", append([]byte{22, 3, 1, 0, 8, 1, 0, 0, 4}, 3, 3, 0, 0), helloNot, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, res := parseClientHello(tc.buf)
			if res != tc.res || h.serverName != tc.sni || !slices.Equal(h.alpn, tc.alpn) {
				t.Errorf("parseClientHello = %+v, %d; want %q %q, %d", h, res, tc.sni, tc.alpn, tc.res)
			}
		})
	}
}

func TestSniffHTTP(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		proto    string
		res      httpResult
	}{
		{"HTTP/1.1", "GET /index.html HTTP/1.1\r\nHost: a\r\n", "http/1.1", httpDone},
		{"HTTP/1.0", "POST /x HTTP/1.0\r\n", "http/1.0", httpDone},
		{"bare LF", "GET / HTTP/1.1\n", "http/1.1", httpDone},
		{"extension method", "PROPFIND /d HTTP/1.1\r\n", "http/1.1", httpDone},
		{"h2 preface", h2Preface + "\x00\x00", "h2c", httpDone},
		{"start of the h2 preface", "PRI * HTTP/2", "", httpMore},
		{"method only", "GET", "", httpMore},
		{"request line without end", "GET /very/long", "", httpMore},
		{"empty", "", "", httpMore},
		{"lower-case method", "get / HTTP/1.1\r\n", "", httpDone},
		{"binary", "\x16\x03\x01\x02\x00", "", httpDone},
		{"Dubbo magic", "\xda\xbb\xc2\x00", "", httpDone},
		{"HTTP/2.0 line", "GET / HTTP/2.0\r\n", "", httpDone},
		{"missing version", "GET /\r\n", "", httpDone},
		{"leading space", " GET / HTTP/1.1\r\n", "", httpDone},
		{"text protocol", "hello world\n", "", httpDone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proto, res := sniffHTTP([]byte(tc.in))
			if proto != tc.proto || res != tc.res {
				t.Errorf("sniffHTTP(%q) = %q, %d; want %q, %d", tc.in, proto, res, tc.proto, tc.res)
			}
		})
	}
}

func FuzzParseClientHello(f *testing.F) {
	hello := clientHelloBytes(f, "a.example.com", []string{"h2", "http/1.1"})
	f.Add(hello)
	f.Add(splitRecords(hello, 7))
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, res := parseClientHello(b)
		if res != helloFound && (h.serverName != "" || h.alpn != nil) {
			t.Errorf("result %d with data %+v", res, h)
		}
		// More bytes never turn a decision back into "more".
		if res != helloMore {
			if _, again := parseClientHello(append(slices.Clip(b), 0)); again == helloMore {
				t.Errorf("a decided prefix became undecided")
			}
		}
	})
}

func FuzzSniffHTTP(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1\r\n", h2Preface, "PRI", "\x16\x03\x01", "hello\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		proto, res := sniffHTTP(b)
		if res == httpMore && proto != "" {
			t.Errorf("undecided with protocol %q", proto)
		}
	})
}
