package route

import "testing"

func TestRewritePath(t *testing.T) {
	cases := []struct {
		name, match, action, path string
		want                      string // "" with ok false: no rewrite
	}{
		{"prefix", "{prefix: /api/}", "prefix_rewrite: /v2/", "/api/users", "/v2/users"},
		{"prefix to root", "{prefix: /api}", "prefix_rewrite: /", "/api/users", "//users"},
		{"prefix case-insensitive keeps the rest", "{prefix: /API/, case_sensitive: false}", "prefix_rewrite: /x/", "/api/Users", "/x/Users"},
		{"path replaces the whole path", "{path: /old}", "prefix_rewrite: /new", "/old", "/new"},
		{"regex route replaces the whole path", `{safe_regex: {regex: "/u/[0-9]+"}}`, "prefix_rewrite: /user", "/u/42", "/user"},
		{"separated prefix", "{path_separated_prefix: /api}", "prefix_rewrite: /v1", "/api/x", "/v1/x"},
		{"regex_rewrite groups", "{prefix: /}", `regex_rewrite: {pattern: {regex: "^/service/([^/]+)(/.*)$"}, substitution: '\2/instance/\1'}`, "/service/foo/v1/api", "/v1/api/instance/foo"},
		{"regex_rewrite every match", "{prefix: /}", `regex_rewrite: {pattern: {regex: "one"}, substitution: two}`, "/xxx/one/yyy/one/zzz", "/xxx/two/yyy/two/zzz"},
		{"regex_rewrite whole match", "{prefix: /}", `regex_rewrite: {pattern: {regex: "[a-z]+"}, substitution: '<\0>'}`, "/ab/c", "/<ab>/<c>"},
		{"regex_rewrite literal dollar and backslash", "{prefix: /}", `regex_rewrite: {pattern: {regex: "x"}, substitution: '$1\\'}`, "/x", `/$1\`},
		{"regex_rewrite no match", "{prefix: /}", `regex_rewrite: {pattern: {regex: "zzz"}, substitution: q}`, "/abc", "/abc"},
		{"regex_rewrite empty matches", "{prefix: /}", `regex_rewrite: {pattern: {regex: "a*"}, substitution: "-"}`, "/baaac", "-/-b-c-"},
		{"no rewrite", "{prefix: /}", "", "/abc", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := firstRoute(t, `
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - match: `+tc.match+`
    route: {cluster: c, `+tc.action+`}
`)
			if r2 := mustCompile(t, oneRoute(tc.match)).VirtualHosts[0].Match(get("h", tc.path)); r2 == nil {
				t.Fatalf("the route does not match %s", tc.path)
			}
			got, ok := r.RewritePath([]byte("prefix:"), []byte(tc.path))
			if tc.want == "" {
				if ok || string(got) != "prefix:" {
					t.Errorf("RewritePath = %q, %t; want no rewrite", got, ok)
				}
				return
			}
			if !ok || string(got) != "prefix:"+tc.want {
				t.Errorf("RewritePath = %q, %t; want %q (appended)", got, ok, "prefix:"+tc.want)
			}
		})
	}
}

func TestExpandTemplate(t *testing.T) {
	cases := []struct {
		sub    string
		groups int
		want   string
		ok     bool
	}{
		{`plain`, 0, `plain`, true},
		{`\1-\0`, 1, `${1}-${0}`, true},
		{`a$b`, 0, `a$$b`, true},
		{`\\`, 0, `\`, true},
		{`\2`, 1, ``, false},
		{`x\`, 0, ``, false},
		{`\n`, 0, ``, false},
	}
	for _, tc := range cases {
		t.Run(tc.sub, func(t *testing.T) {
			got, err := expandTemplate(tc.sub, tc.groups)
			if (err == nil) != tc.ok || string(got) != tc.want {
				t.Errorf("expandTemplate(%q, %d) = %q, %v; want %q, ok %t", tc.sub, tc.groups, got, err, tc.want, tc.ok)
			}
		})
	}
}
