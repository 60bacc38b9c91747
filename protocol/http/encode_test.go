package http

import "testing"

func mustParseRequest(t *testing.T, head string) *Request {
	t.Helper()
	r := new(Request)
	if _, err := r.Parse([]byte(crlf(head))); err != nil {
		t.Fatalf("Parse(%q): %v", head, err)
	}
	return r
}

func TestAppendRequest(t *testing.T) {
	const head = "GET http://up.example/a?b=c HTTP/1.0\n" +
		"Host: front.example\n" +
		"Connection: keep-alive, X-Hop, Content-Length\n" +
		"Keep-Alive: timeout=5\n" +
		"Proxy-Connection: keep-alive\n" +
		"TE: trailers\n" +
		"X-Hop: 1\n" +
		"Upgrade: websocket\n" +
		"X-Remove-Me: 1\n" +
		"Content-Length: 3\n" +
		"Trailer: X-Sum\n" +
		"X-Forwarded-For: 10.0.0.1\n" +
		"Accept: */*\n\n"
	tests := []struct {
		name string
		edit *RequestEdit
		want string
	}{
		{
			name: "no edit",
			want: "GET http://up.example/a?b=c HTTP/1.1\nHost: front.example\nX-Remove-Me: 1\nContent-Length: 3\n" +
				"Trailer: X-Sum\nX-Forwarded-For: 10.0.0.1\nAccept: */*\n\n",
		},
		{
			name: "proxy edits",
			edit: &RequestEdit{
				Target: []byte("/a?b=c"),
				Host:   []byte("up.example"),
				Remove: []string{"x-remove-me", "X-FORWARDED-FOR"},
				Add: []Field{
					{Name: "X-Forwarded-For", Value: []byte("10.0.0.1, 192.0.2.7")},
					{Name: "X-Forwarded-Proto", Value: []byte("http")},
					{Name: "X-Request-Id", Value: []byte("42")},
				},
				Connection: "close",
			},
			want: "GET /a?b=c HTTP/1.1\nHost: up.example\nContent-Length: 3\nTrailer: X-Sum\nAccept: */*\n" +
				"X-Forwarded-For: 10.0.0.1, 192.0.2.7\nX-Forwarded-Proto: http\nX-Request-Id: 42\nConnection: close\n\n",
		},
		{
			name: "upgrade",
			edit: &RequestEdit{Upgrade: true, Connection: "upgrade"},
			want: "GET http://up.example/a?b=c HTTP/1.1\nHost: front.example\nUpgrade: websocket\nX-Remove-Me: 1\n" +
				"Content-Length: 3\nTrailer: X-Sum\nX-Forwarded-For: 10.0.0.1\nAccept: */*\nConnection: upgrade\n\n",
		},
	}
	r := mustParseRequest(t, head)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendRequest([]byte("prefix|"), r, tt.edit)
			if want := "prefix|" + crlf(tt.want); string(got) != want {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestAppendRequestKeepsTransferEncoding(t *testing.T) {
	r := mustParseRequest(t, "POST / HTTP/1.1\nHost: a\nConnection: Transfer-Encoding\nTransfer-Encoding: chunked\n\n")
	want := crlf("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n")
	if got := AppendRequest(nil, r, nil); string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAppendResponse(t *testing.T) {
	var r Response
	in := crlf("HTTP/1.1 200 Fine\nConnection: keep-alive\nKeep-Alive: timeout=5\nServer: up\n" +
		"Transfer-Encoding: gzip, chunked\nX-Internal: 1\n\n")
	if _, err := r.Parse([]byte(in)); err != nil {
		t.Fatal(err)
	}
	got := AppendResponse(nil, &r, &ResponseEdit{
		Remove:     []string{"x-internal"},
		Add:        []Field{{Name: "Via", Value: []byte("1.1 skiff")}},
		Connection: "keep-alive",
	})
	want := crlf("HTTP/1.1 200 Fine\nServer: up\nTransfer-Encoding: gzip, chunked\nVia: 1.1 skiff\nConnection: keep-alive\n\n")
	if string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAppendReply(t *testing.T) {
	tests := []struct {
		name  string
		reply Reply
		want  string
	}{
		{
			name:  "rate limited",
			reply: Reply{Status: 429, ContentType: "text/plain", Body: []byte("slow down"), Fields: []Field{{Name: "Retry-After", Value: []byte("1")}}},
			want:  "HTTP/1.1 429 Too Many Requests\nContent-Length: 9\nContent-Type: text/plain\nRetry-After: 1\n\nslow down",
		},
		{
			name:  "bad request closes",
			reply: Reply{Status: 400, Close: true},
			want:  "HTTP/1.1 400 Bad Request\nContent-Length: 0\nConnection: close\n\n",
		},
		{
			name:  "head",
			reply: Reply{Status: 503, Reason: "No Upstream", Body: []byte("none"), HeadOnly: true},
			want:  "HTTP/1.1 503 No Upstream\nContent-Length: 4\n\n",
		},
		{
			name:  "no content",
			reply: Reply{Status: 204, Body: []byte("ignored")},
			want:  "HTTP/1.1 204 No Content\n\n",
		},
		{
			name:  "unknown status",
			reply: Reply{Status: 599},
			want:  "HTTP/1.1 599 \nContent-Length: 0\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AppendReply(nil, &tt.reply); string(got) != crlf(tt.want) {
				t.Errorf("got %q, want %q", got, crlf(tt.want))
			}
		})
	}
	if got := AppendContinue(nil); string(got) != "HTTP/1.1 100 Continue\r\n\r\n" {
		t.Errorf("AppendContinue = %q", got)
	}
}

// TestAppendedRepliesParse checks that what the encoder writes, the parser reads back.
func TestAppendedRepliesParse(t *testing.T) {
	buf := AppendReply(nil, &Reply{Status: 502, ContentType: "text/plain", Body: []byte("upstream failed"), Close: true})
	var r Response
	n, err := r.Parse(buf)
	if err != nil || r.Status() != 502 || r.KeepAlive() || r.Framing() != (Framing{BodyLength, 15}) {
		t.Fatalf("Parse: %v status %d framing %+v", err, r.Status(), r.Framing())
	}
	if string(buf[n:]) != "upstream failed" {
		t.Errorf("body %q", buf[n:])
	}
}
