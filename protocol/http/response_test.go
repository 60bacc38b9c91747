package http

import "testing"

func TestResponseValid(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		head      string
		status    int
		reason    string
		framing   Framing
		keepAlive bool
		interim   bool
	}{
		{"ok length", "GET", "HTTP/1.1 200 OK\nContent-Length: 5\n\n", 200, "OK", Framing{BodyLength, 5}, true, false},
		{"chunked", "GET", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", 200, "OK", Framing{Kind: BodyChunked}, true, false},
		{"gzip then chunked passes", "GET", "HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\n\n", 200, "OK", Framing{Kind: BodyChunked}, true, false},
		{"te not chunked reads to close", "GET", "HTTP/1.1 200 OK\nTransfer-Encoding: gzip\n\n", 200, "OK", Framing{Kind: BodyUntilClose}, false, false},
		{"no framing reads to close", "GET", "HTTP/1.1 200 OK\n\n", 200, "OK", Framing{Kind: BodyUntilClose}, false, false},
		{"zero length", "GET", "HTTP/1.1 200 OK\nContent-Length: 0\n\n", 200, "OK", Framing{}, true, false},
		{"head has no body", "HEAD", "HTTP/1.1 200 OK\nContent-Length: 500\n\n", 200, "OK", Framing{}, true, false},
		{"204", "GET", "HTTP/1.1 204 No Content\n\n", 204, "No Content", Framing{}, true, false},
		{"304 with length", "GET", "HTTP/1.1 304 Not Modified\nContent-Length: 10\n\n", 304, "Not Modified", Framing{}, true, false},
		{"100 continue", "POST", "HTTP/1.1 100 Continue\n\n", 100, "Continue", Framing{}, true, true},
		{"103 early hints", "GET", "HTTP/1.1 103 Early Hints\nLink: </a.css>\n\n", 103, "Early Hints", Framing{}, true, true},
		{"101", "GET", "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\n", 101, "Switching Protocols", Framing{}, false, false},
		{"connect 200 is a tunnel", "CONNECT", "HTTP/1.1 200 Connection Established\n\n", 200, "Connection Established", Framing{}, false, false},
		{"connect 407 has a body", "CONNECT", "HTTP/1.1 407 Proxy Auth\nContent-Length: 2\n\n", 407, "Proxy Auth", Framing{BodyLength, 2}, true, false},
		{"http10 close", "GET", "HTTP/1.0 200 OK\nContent-Length: 1\n\n", 200, "OK", Framing{BodyLength, 1}, false, false},
		{"http10 keep-alive", "GET", "HTTP/1.0 200 OK\nContent-Length: 1\nConnection: keep-alive\n\n", 200, "OK", Framing{BodyLength, 1}, true, false},
		{"connection close", "GET", "HTTP/1.1 200 OK\nContent-Length: 1\nConnection: close\n\n", 200, "OK", Framing{BodyLength, 1}, false, false},
		{"empty reason", "GET", "HTTP/1.1 200 \nContent-Length: 1\n\n", 200, "", Framing{BodyLength, 1}, true, false},
		{"missing reason", "GET", "HTTP/1.1 404\nContent-Length: 1\n\n", 404, "", Framing{BodyLength, 1}, true, false},
		{"reason with obs-text", "GET", "HTTP/1.1 200 \xc3\xa9 t\tab\nContent-Length: 1\n\n", 200, "\xc3\xa9 t\tab", Framing{BodyLength, 1}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Response
			r.Reset([]byte(tt.method))
			in := crlf(tt.head)
			n, err := r.Parse([]byte(in + "BODY"))
			if err != nil || n != len(in) {
				t.Fatalf("Parse = %d, %v; want %d, nil", n, err, len(in))
			}
			if r.Status() != tt.status || string(r.Reason()) != tt.reason || r.Framing() != tt.framing ||
				r.KeepAlive() != tt.keepAlive || r.Interim() != tt.interim || r.Minor() != int(in[7]-'0') {
				t.Errorf("got status %d reason %q framing %+v keep-alive %v interim %v", r.Status(), r.Reason(),
					r.Framing(), r.KeepAlive(), r.Interim())
			}
		})
	}
}

func TestResponseUpgrade(t *testing.T) {
	var r Response
	if _, err := r.Parse([]byte(crlf("HTTP/1.1 101 Switching Protocols\nConnection: upgrade\nUpgrade: websocket\n\n"))); err != nil {
		t.Fatal(err)
	}
	if up, ok := r.Upgrade(); !ok || string(up) != "websocket" {
		t.Errorf("Upgrade = %q, %v", up, ok)
	}
	r.Reset(nil)
	if _, err := r.Parse([]byte(crlf("HTTP/1.1 200 OK\nUpgrade: h2c\nContent-Length: 0\n\n"))); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Upgrade(); ok {
		t.Error("Upgrade reported on a 200")
	}
}

func TestResponseInvalid(t *testing.T) {
	tests := []struct {
		name string
		head string // "\n" becomes CRLF
		want error
	}{
		{"lowercase version", "http/1.1 200 OK\n\n", ErrInvalidVersion},
		{"version 2", "HTTP/2 200 OK\n\n", ErrInvalidVersion},
		{"version 2.0", "HTTP/2.0 200 OK\n\n", ErrVersionNotSupported},
		{"short", "HTTP/1.1 20\n\n", ErrInvalidStatusLine},
		{"no status", "HTTP/1.1\n\n", ErrInvalidStatusLine},
		{"status below 100", "HTTP/1.1 099 Low\n\n", ErrInvalidStatusLine},
		{"status letters", "HTTP/1.1 2x0 OK\n\n", ErrInvalidStatusLine},
		{"four digits", "HTTP/1.1 2000 OK\n\n", ErrInvalidStatusLine},
		{"tab separator", "HTTP/1.1\t200 OK\n\n", ErrInvalidStatusLine},
		{"control in reason", "HTTP/1.1 200 O\x00K\n\n", ErrInvalidStatusLine},
		{"cl and te", "HTTP/1.1 200 OK\nContent-Length: 1\nTransfer-Encoding: chunked\n\n", ErrContentLengthWithTransferEncoding},
		{"cl and te on 204", "HTTP/1.1 204 No\nContent-Length: 1\nTransfer-Encoding: chunked\n\n", ErrContentLengthWithTransferEncoding},
		{"te in http10", "HTTP/1.0 200 OK\nTransfer-Encoding: chunked\n\n", ErrInvalidTransferEncoding},
		{"chunked twice", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked, gzip, chunked\n\n", ErrInvalidTransferEncoding},
		{"conflicting cl", "HTTP/1.1 200 OK\nContent-Length: 1\nContent-Length: 2\n\n", ErrConflictingContentLength},
		{"obs-fold", "HTTP/1.1 200 OK\nX: a\n b\n\n", ErrObsFold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := crlf(tt.head)
			var r Response
			if n, err := r.Parse([]byte(in)); err != tt.want || n != 0 {
				t.Errorf("Parse = %d, %v; want 0, %v", n, err, tt.want)
			}
		})
	}
}

func TestResponseBareLF(t *testing.T) {
	var r Response
	if n, err := r.Parse([]byte("HTTP/1.1 200 OK\nContent-Length: 1\n\n")); err != ErrBareLF || n != 0 {
		t.Errorf("Parse = %d, %v; want 0, ErrBareLF", n, err)
	}
}
