package route

import "testing"

// matchCase is one request against a one-route table: does route "r" match?
type matchCase struct {
	name, match, target string
	headers             []string
	want                bool
}

// runMatchCases compiles oneRoute(match) for each case and checks whether the request matches.
func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tbl := mustCompile(t, oneRoute(tc.match))
			got := routeName(tbl, get("host", tc.target, tc.headers...)) == "r"
			if got != tc.want {
				t.Errorf("match %s, request %s %v: matched %t, want %t", tc.match, tc.target, tc.headers, got, tc.want)
			}
		})
	}
}

func TestPathMatch(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"prefix", "{prefix: /api}", "/api/users", nil, true},
		{"prefix is not a segment match", "{prefix: /api}", "/apiary", nil, true},
		{"prefix miss", "{prefix: /api}", "/ap", nil, false},
		{"prefix ignores the query", "{prefix: /a}", "/b?x=/a", nil, false},
		{"empty prefix matches all", `{prefix: ""}`, "/anything", nil, true},
		{"prefix is case-sensitive", "{prefix: /API}", "/api", nil, false},
		{"prefix case-insensitive", "{prefix: /API, case_sensitive: false}", "/aPi/x", nil, true},
		{"path", "{path: /a/b}", "/a/b", nil, true},
		{"path with query", "{path: /a/b}", "/a/b?x=1", nil, true},
		{"path is exact", "{path: /a/b}", "/a/b/", nil, false},
		{"path is case-sensitive", "{path: /a/B}", "/a/b", nil, false},
		{"path case-insensitive", "{path: /a/B, case_sensitive: false}", "/A/b", nil, true},
		{"path case_sensitive true", "{path: /a/B, case_sensitive: true}", "/a/b", nil, false},
		{"regex full match", `{safe_regex: {regex: "/users/[0-9]+"}}`, "/users/42", nil, true},
		{"regex must match all of the path", `{safe_regex: {regex: "/users/[0-9]+"}}`, "/users/42/x", nil, false},
		{"regex must match from the start", `{safe_regex: {regex: "[0-9]+"}}`, "/42", nil, false},
		{"regex alternation is anchored as a whole", `{safe_regex: {regex: "/a|/b"}}`, "/b", nil, true},
		{"regex alternation no partial", `{safe_regex: {regex: "/a|/b"}}`, "/a/x", nil, false},
		{"regex without query", `{safe_regex: {regex: "/q"}}`, "/q?a=b", nil, true},
		{"regex ignores case_sensitive", `{safe_regex: {regex: "/Q"}, case_sensitive: false}`, "/q", nil, false},
		{"regex with google_re2", `{safe_regex: {google_re2: {}, regex: "/x.*"}}`, "/xyz", nil, true},
		{"separated prefix exact", "{path_separated_prefix: /api}", "/api", nil, true},
		{"separated prefix segment", "{path_separated_prefix: /api}", "/api/v1", nil, true},
		{"separated prefix not a segment", "{path_separated_prefix: /api}", "/apiary", nil, false},
		{"separated prefix with query", "{path_separated_prefix: /api}", "/api?x", nil, true},
		{"separated prefix case-insensitive", "{path_separated_prefix: /Api, case_sensitive: false}", "/aPI/x", nil, true},
	})
}

func TestFirstMatchWins(t *testing.T) {
	tbl := mustCompile(t, `
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - {name: exact, match: {path: /a}, route: {cluster: c}}
  - {name: with-header, match: {prefix: /a, headers: [{name: x-canary, present_match: true}]}, route: {cluster: c}}
  - {name: prefix, match: {prefix: /a}, route: {cluster: c}}
  - {name: catch-all, match: {prefix: /}, route: {cluster: c}}
`)
	cases := []struct {
		name, target string
		headers      []string
		want         string
	}{
		{"exact first", "/a", []string{"x-canary", "1"}, "exact"},
		{"header before prefix", "/ab", []string{"x-canary", "1"}, "with-header"},
		{"prefix", "/ab", nil, "prefix"},
		{"catch-all", "/z", nil, "catch-all"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := routeName(tbl, get("h", tc.target, tc.headers...)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
