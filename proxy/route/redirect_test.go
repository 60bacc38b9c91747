package route

import "testing"

func TestRedirectLocation(t *testing.T) {
	cases := []struct {
		name, match, redirect string
		req                   *testRequest
		status                int
		want                  string
	}{
		{"https_redirect", "{prefix: /}", "{https_redirect: true}",
			get("example.com", "/a?b=1", ":scheme", "http"), 301, "https://example.com/a?b=1"},
		{"https_redirect drops :80", "{prefix: /}", "{https_redirect: true}",
			get("example.com:80", "/a", ":scheme", "http", "x-forwarded-proto", "http"), 301, "https://example.com/a"},
		{"https_redirect keeps another port", "{prefix: /}", "{https_redirect: true}",
			get("example.com:8080", "/a", ":scheme", "http"), 301, "https://example.com:8080/a"},
		{"same scheme keeps :80", "{prefix: /}", "{path_redirect: /b}",
			get("example.com:80", "/a", ":scheme", "http"), 301, "http://example.com:80/b"},
		{"x-forwarded-proto decides the default port", "{prefix: /}", "{scheme_redirect: http}",
			get("example.com:443", "/a", ":scheme", "http", "x-forwarded-proto", "https"), 301, "http://example.com/a"},
		{"IPv6 host drops default port", "{prefix: /}", "{https_redirect: true}",
			get("[::1]:80", "/a", ":scheme", "http"), 301, "https://[::1]/a"},
		{"IPv6 host without port", "{prefix: /}", "{https_redirect: true}",
			get("[::1]", "/a", ":scheme", "http"), 301, "https://[::1]/a"},
		{"no scheme header is http", "{prefix: /}", "{host_redirect: b.example}",
			get("a.example", "/x"), 301, "http://b.example/x"},
		{"host and port", "{prefix: /}", "{host_redirect: b.example, port_redirect: 8443, response_code: FOUND}",
			get("a.example:80", "/x", ":scheme", "https"), 302, "https://b.example:8443/x"},
		{"port replaces the request's port", "{prefix: /}", "{port_redirect: 9000, response_code: SEE_OTHER}",
			get("a.example:80", "/x", ":scheme", "http"), 303, "http://a.example:9000/x"},
		{"path_redirect keeps the query", "{prefix: /}", "{path_redirect: /new, response_code: TEMPORARY_REDIRECT}",
			get("h", "/old?q=1", ":scheme", "http"), 307, "http://h/new?q=1"},
		{"path_redirect with its own query", "{prefix: /}", "{path_redirect: '/new?x=2', strip_query: true, response_code: PERMANENT_REDIRECT}",
			get("h", "/old?q=1", ":scheme", "http"), 308, "http://h/new?x=2"},
		{"path_redirect gets a slash", "{prefix: /}", "{path_redirect: new}",
			get("h", "/old", ":scheme", "http"), 301, "http://h/new"},
		{"strip_query", "{prefix: /}", "{https_redirect: true, strip_query: true}",
			get("h", "/a?b=1", ":scheme", "http"), 301, "https://h/a"},
		{"prefix_rewrite", "{prefix: /old/}", "{prefix_rewrite: /new/}",
			get("h", "/old/x?k=v", ":scheme", "http"), 301, "http://h/new/x?k=v"},
		{"prefix_rewrite of a path match", "{path: /old}", "{prefix_rewrite: /new}",
			get("h", "/old", ":scheme", "http"), 301, "http://h/new"},
		{"regex_rewrite", "{prefix: /}", `{regex_rewrite: {pattern: {regex: "^/v1/(.*)$"}, substitution: '/v2/\1'}}`,
			get("h", "/v1/items?p=2", ":scheme", "http"), 301, "http://h/v2/items?p=2"},
		{"rewrite to empty path gets a slash", "{prefix: /gone}", "{prefix_rewrite: x}",
			get("h", "/gone", ":scheme", "http"), 301, "http://h/x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := firstRoute(t, `
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - match: `+tc.match+`
    redirect: `+tc.redirect+`
`)
			if r.Action != ActionRedirect || r.Redirect == nil {
				t.Fatalf("Action %v", r.Action)
			}
			if r.Redirect.Status != tc.status {
				t.Errorf("Status %d, want %d", r.Redirect.Status, tc.status)
			}
			if got := string(r.Redirect.AppendLocation([]byte("Location: "), tc.req)); got != "Location: "+tc.want {
				t.Errorf("AppendLocation = %q, want %q", got, "Location: "+tc.want)
			}
		})
	}
}

func TestRedirectLocationDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful with the race detector")
	}
	r := firstRoute(t, action("redirect: {https_redirect: true, prefix_rewrite: /new/}"))
	req := get("example.com:80", "/old/x?q=1", ":scheme", "http")
	dst := make([]byte, 0, 128)
	if n := testing.AllocsPerRun(100, func() { dst = r.Redirect.AppendLocation(dst[:0], req) }); n != 0 {
		t.Errorf("AppendLocation allocates %.1f times", n)
	}
	if got, want := string(dst), "https://example.com/new/old/x?q=1"; got != want {
		t.Errorf("location %q, want %q", got, want)
	}
}
