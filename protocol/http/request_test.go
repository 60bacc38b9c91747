package http

import (
	"bytes"
	"strings"
	"testing"
)

// crlf turns "\n" into "\r\n", for readable test heads.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// headSummary is what a table test checks of a parsed request.
type headSummary struct {
	method, target, path, query, authority, host string
	hasQuery                                     bool
	form                                         TargetForm
	minor                                        int
	framing                                      Framing
	keepAlive, expect                            bool
	upgrade                                      string
	fields                                       int
}

func summarize(r *Request) headSummary {
	q, hasQuery := r.Query()
	up, _ := r.Upgrade()
	return headSummary{
		method: string(r.Method()), target: string(r.Target()), path: string(r.Path()),
		query: string(q), hasQuery: hasQuery, authority: string(r.Authority()), host: string(r.Host()),
		form: r.Form(), minor: r.Minor(), framing: r.Framing(), keepAlive: r.KeepAlive(),
		expect: r.ExpectContinue(), upgrade: string(up), fields: r.Header.Len(),
	}
}

func TestRequestValid(t *testing.T) {
	tests := []struct {
		name string
		head string
		want headSummary
	}{
		{
			name: "get",
			head: "GET /a/b?c=d HTTP/1.1\nHost: example.com\nAccept: */*\n\n",
			want: headSummary{method: "GET", target: "/a/b?c=d", path: "/a/b", query: "c=d", hasQuery: true,
				host: "example.com", minor: 1, keepAlive: true, fields: 2},
		},
		{
			name: "empty query",
			head: "GET /? HTTP/1.1\nHost: a\n\n",
			want: headSummary{method: "GET", target: "/?", path: "/", hasQuery: true, host: "a", minor: 1, keepAlive: true, fields: 1},
		},
		{
			name: "connection close",
			head: "GET / HTTP/1.1\nHost: a\nConnection: keep-alive, close\n\n",
			want: headSummary{method: "GET", target: "/", path: "/", host: "a", minor: 1, fields: 2},
		},
		{
			name: "http10 default close",
			head: "GET / HTTP/1.0\n\n",
			want: headSummary{method: "GET", target: "/", path: "/"},
		},
		{
			name: "http10 keep-alive",
			head: "GET / HTTP/1.0\nConnection: Keep-Alive\n\n",
			want: headSummary{method: "GET", target: "/", path: "/", keepAlive: true, fields: 1},
		},
		{
			name: "http10 ignores expect and upgrade",
			head: "GET / HTTP/1.0\nExpect: 100-continue\nUpgrade: websocket\nConnection: upgrade\n\n",
			want: headSummary{method: "GET", target: "/", path: "/", fields: 3},
		},
		{
			name: "content-length",
			head: "POST /x HTTP/1.1\nHost: a\nContent-Length: 42\nExpect: 100-Continue\n\n",
			want: headSummary{method: "POST", target: "/x", path: "/x", host: "a", minor: 1, keepAlive: true, expect: true,
				framing: Framing{Kind: BodyLength, Length: 42}, fields: 3},
		},
		{
			name: "content-length zero is no body",
			head: "POST /x HTTP/1.1\nHost: a\nContent-Length: 0\n\n",
			want: headSummary{method: "POST", target: "/x", path: "/x", host: "a", minor: 1, keepAlive: true, fields: 2},
		},
		{
			name: "chunked with empty list elements",
			head: "POST / HTTP/1.1\nHost: a\nTransfer-Encoding: , chunked ,\n\n",
			want: headSummary{method: "POST", target: "/", path: "/", host: "a", minor: 1, keepAlive: true,
				framing: Framing{Kind: BodyChunked}, fields: 2},
		},
		{
			name: "websocket",
			head: "GET /ws HTTP/1.1\nHost: a\nConnection: keep-alive, Upgrade\nUpgrade: websocket\n\n",
			want: headSummary{method: "GET", target: "/ws", path: "/ws", host: "a", minor: 1, keepAlive: true,
				upgrade: "websocket", fields: 3},
		},
		{
			name: "upgrade without connection option",
			head: "GET /ws HTTP/1.1\nHost: a\nUpgrade: websocket\n\n",
			want: headSummary{method: "GET", target: "/ws", path: "/ws", host: "a", minor: 1, keepAlive: true, fields: 2},
		},
		{
			name: "absolute form overrides host",
			head: "GET http://b.example:81?x HTTP/1.1\nHost: a\n\n",
			want: headSummary{method: "GET", target: "http://b.example:81?x", query: "x", hasQuery: true,
				authority: "b.example:81", host: "b.example:81", form: AbsoluteForm, minor: 1, keepAlive: true, fields: 1},
		},
		{
			name: "connect",
			head: "CONNECT [::1]:443 HTTP/1.1\nHost: [::1]:443\n\n",
			want: headSummary{method: "CONNECT", target: "[::1]:443", authority: "[::1]:443", host: "[::1]:443",
				form: AuthorityForm, minor: 1, keepAlive: true, fields: 1},
		},
		{
			name: "options asterisk",
			head: "OPTIONS * HTTP/1.1\nHost: a\n\n",
			want: headSummary{method: "OPTIONS", target: "*", host: "a", form: AsteriskForm, minor: 1, keepAlive: true, fields: 1},
		},
		{
			name: "leading empty lines",
			head: "\n\nGET / HTTP/1.1\nHost: a\n\n",
			want: headSummary{method: "GET", target: "/", path: "/", host: "a", minor: 1, keepAlive: true, fields: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := crlf(tt.head)
			var r Request
			n, err := r.Parse([]byte(in + "NEXT"))
			if err != nil || n != len(in) {
				t.Fatalf("Parse = %d, %v; want %d, nil", n, err, len(in))
			}
			if got := summarize(&r); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestRequestInvalid(t *testing.T) {
	tests := []struct {
		name string
		head string
		lim  Limits
		want error
	}{
		{"method tab", "GET\t/ HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidRequestLine},
		{"method only", "GET\n\n", Limits{}, ErrInvalidRequestLine},
		{"target then nothing", "GET / \nHost: a\n\n", Limits{}, ErrInvalidVersion},
		{"extra part", "GET / HTTP/1.1 x\nHost: a\n\n", Limits{}, ErrInvalidVersion},
		{"http09", "GET /\n\n", Limits{}, ErrInvalidRequestLine},
		{"version 0.9", "GET / HTTP/0.9\n\n", Limits{}, ErrVersionNotSupported},
		{"version 3", "GET / HTTP/3.0\n\n", Limits{}, ErrVersionNotSupported},
		{"version two digits", "GET / HTTP/1.10\n\n", Limits{}, ErrInvalidVersion},
		{"h2 preface", "PRI * HTTP/2.0\n\nSM\n\n", Limits{}, ErrVersionNotSupported},
		{"target control", "GET /\x01 HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidTarget},
		{"target short escape", "GET /%4 HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidTarget},
		{"absolute no authority", "GET http:///x HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidTarget},
		{"absolute bad scheme", "GET 1http://a/ HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidTarget},
		{"absolute opaque", "GET mailto:a@b HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidTarget},
		{"connect no port", "CONNECT example.com HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidTarget},
		{"connect long port", "CONNECT a:123456 HTTP/1.1\nHost: a\n\n", Limits{}, ErrInvalidTarget},
		{"host bad ipv6", "GET / HTTP/1.1\nHost: [::g]\n\n", Limits{}, ErrInvalidHost},
		{"host port letters", "GET / HTTP/1.1\nHost: a:8x\n\n", Limits{}, ErrInvalidHost},
		{"host only port", "GET / HTTP/1.1\nHost: :80\n\n", Limits{}, ErrInvalidHost},
		{"head too large", "GET / HTTP/1.1\nHost: a\nX-Big: " + strings.Repeat("b", 100) + "\n\n", Limits{MaxHeadBytes: 64}, ErrHeadTooLarge},
		{"head too large without LF", "GET /" + strings.Repeat("a", 200), Limits{MaxHeadBytes: 64}, ErrHeadTooLarge},
		{"too many headers", "GET / HTTP/1.1\nHost: a\nA: 1\nB: 2\n\n", Limits{MaxHeaders: 2}, ErrTooManyHeaders},
		{"head too large by one", "GET / HTTP/1.1\nHost: a\n\n", Limits{MaxHeadBytes: 26}, ErrHeadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Request{Limits: tt.lim}
			n, err := r.Parse([]byte(crlf(tt.head)))
			if err != tt.want || n != 0 {
				t.Fatalf("Parse = %d, %v; want 0, %v", n, err, tt.want)
			}
			if _, again := r.Parse([]byte(crlf(tt.head))); again != err {
				t.Errorf("second Parse = %v, want the same error", again)
			}
		})
	}
}

func TestRequestLimits(t *testing.T) {
	head := crlf("GET / HTTP/1.1\nHost: a\n\n") // 27 bytes
	r := Request{Limits: Limits{MaxHeadBytes: len(head)}}
	if n, err := r.Parse([]byte(head)); n != len(head) || err != nil {
		t.Errorf("head of exactly MaxHeadBytes: Parse = %d, %v", n, err)
	}

	var b strings.Builder
	b.WriteString("GET / HTTP/1.1\r\nHost: a\r\n")
	for i := range MaxHeaders - 1 {
		b.WriteString("X-" + strings.Repeat("a", i%7+1) + ": v\r\n")
	}
	full := b.String() + "\r\n"
	r = Request{}
	if _, err := r.Parse([]byte(full)); err != nil || r.Header.Len() != MaxHeaders {
		t.Errorf("%d fields: err %v, Len %d", MaxHeaders, err, r.Header.Len())
	}
	r = Request{Limits: Limits{MaxHeaders: 1000}}
	if _, err := r.Parse([]byte(b.String() + "X-One-More: v\r\n\r\n")); err != ErrTooManyHeaders {
		t.Errorf("%d fields: err %v, want ErrTooManyHeaders", MaxHeaders+1, err)
	}
}

func TestRequestResetAndRebase(t *testing.T) {
	var r Request
	r.Limits.MaxHeaders = 5
	first := []byte(crlf("POST /one HTTP/1.1\nHost: a\nContent-Length: 3\n\n"))
	if _, err := r.Parse(first); err != nil {
		t.Fatal(err)
	}
	moved := bytes.Clone(first)
	clear(first)
	r.Rebase(moved)
	if string(r.Target()) != "/one" || r.Framing().Length != 3 {
		t.Errorf("after Rebase: target %q framing %+v", r.Target(), r.Framing())
	}
	r.Reset()
	if r.Limits.MaxHeaders != 5 {
		t.Errorf("Reset dropped Limits")
	}
	second := []byte(crlf("GET /two HTTP/1.0\n\n"))
	if _, err := r.Parse(second); err != nil {
		t.Fatal(err)
	}
	if got := summarize(&r); got.target != "/two" || got.framing.Kind != BodyNone || got.fields != 0 || got.host != "" {
		t.Errorf("after Reset: %+v", got)
	}
}
