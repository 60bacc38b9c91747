package route

import (
	"fmt"
	"strings"
	"testing"
)

// benchConfig is a route configuration of 51 routes in four virtual hosts, in the shapes a mesh
// generates: exact and wildcard domains, prefix and path routes, some with header and query
// matchers, and one regex route.
func benchConfig() string {
	var b strings.Builder
	b.WriteString("name: bench\nvirtual_hosts:\n")
	vhost := func(name, domains string) {
		fmt.Fprintf(&b, "- name: %s\n  domains: [%s]\n  routes:\n", name, domains)
	}
	route := func(name, match string) {
		fmt.Fprintf(&b, "  - name: %s\n    match: %s\n    route: {cluster: %s}\n", name, match, name)
	}
	vhost("api", `"api.example.com", "api.example.com:80"`)
	for i := range 18 {
		route(fmt.Sprintf("api-%d", i), fmt.Sprintf("{prefix: /service-%d/}", i))
	}
	route("api-header", `{prefix: /h/, headers: [{name: x-version, string_match: {exact: v2}}, {name: x-user, present_match: true}]}`)
	route("api-query", `{prefix: /q/, query_parameters: [{name: debug, present_match: false}, {name: page, string_match: {prefix: "1"}}]}`)
	route("api-regex", `{safe_regex: {regex: "/users/[0-9]+/orders"}}`)
	route("api-last", "{prefix: /}")
	vhost("svc", `"*.svc.cluster.local"`)
	for i := range 15 {
		route(fmt.Sprintf("svc-%d", i), fmt.Sprintf("{path: /svc/%d}", i))
	}
	vhost("web", `"web.*"`)
	for i := range 10 {
		route(fmt.Sprintf("web-%d", i), fmt.Sprintf("{path_separated_prefix: /web-%d, case_sensitive: false}", i))
	}
	vhost("default", `"*"`)
	for i := range 4 {
		route(fmt.Sprintf("def-%d", i), fmt.Sprintf("{prefix: /d%d}", i))
	}
	return b.String()
}

// benchCases are the requests the benchmarks and the allocation test route, with the route each
// must reach ("" for none).
var benchCases = []struct {
	name  string
	req   *testRequest
	route string
	regex bool
}{
	{"exact/first", get("api.example.com", "/service-0/x"), "api-0", false},
	{"exact/18th-prefix", get("api.example.com", "/service-17/x/y"), "api-17", false},
	{"exact/headers", get("api.example.com", "/h/x", "x-version", "v2", "x-user", "u1"), "api-header", false},
	{"exact/query", get("api.example.com", "/q/list?a=b&page=12"), "api-query", false},
	{"exact/fallthrough", get("api.example.com", "/other"), "api-last", false},
	{"upper-case-host", get("API.Example.COM", "/service-3/"), "api-3", false},
	{"suffix-wildcard/path", get("reviews.default.svc.cluster.local", "/svc/14"), "svc-14", false},
	{"prefix-wildcard/separated", get("web.example.org", "/WEB-9/index.html"), "web-9", false},
	{"catch-all/not-found", get("unknown.org", "/nothing"), "", false},
	{"exact/regex", get("api.example.com", "/users/12345/orders"), "api-regex", true},
}

func BenchmarkMatch(b *testing.B) {
	tbl := mustCompile(b, benchConfig())
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tbl.Match(bc.req)
			}
		})
	}
}

// TestMatchAllocations checks the benchmark requests reach their routes and, except for the regex
// route, do not allocate.
func TestMatchAllocations(t *testing.T) {
	tbl := mustCompile(t, benchConfig())
	if n := len(tbl.VirtualHosts[0].Routes) + len(tbl.VirtualHosts[1].Routes) + len(tbl.VirtualHosts[2].Routes) + len(tbl.VirtualHosts[3].Routes); n != 51 {
		t.Fatalf("bench table has %d routes", n)
	}
	for _, bc := range benchCases {
		t.Run(bc.name, func(t *testing.T) {
			_, r := tbl.Match(bc.req)
			got := ""
			if r != nil {
				got = r.Name
			}
			if got != bc.route {
				t.Fatalf("matched %q, want %q", got, bc.route)
			}
			if raceEnabled || bc.regex {
				return
			}
			if n := testing.AllocsPerRun(100, func() { tbl.Match(bc.req) }); n != 0 {
				t.Errorf("Match allocates %.1f times per request", n)
			}
		})
	}
}

// countEditor is a HeaderEditor that only counts calls, so benchmarks measure Apply itself.
type countEditor struct{ has, set, add, del int }

func (e *countEditor) Has(string) bool    { e.has++; return e.has%2 == 0 }
func (e *countEditor) Set(string, string) { e.set++ }
func (e *countEditor) Add(string, string) { e.add++ }
func (e *countEditor) Del(string)         { e.del++ }

func BenchmarkHeaderMutations(b *testing.B) {
	r := mustCompile(b, levelsConfig).VirtualHosts[0].Routes[0]
	e := &countEditor{}
	b.ReportAllocs()
	for b.Loop() {
		r.RequestHeaders.Apply(e)
	}
}

func TestHeaderMutationsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful with the race detector")
	}
	r := mustCompile(t, levelsConfig).VirtualHosts[0].Routes[0]
	e := &countEditor{}
	if n := testing.AllocsPerRun(100, func() { r.RequestHeaders.Apply(e); r.ResponseHeaders.Apply(e) }); n != 0 {
		t.Errorf("Apply allocates %.1f times", n)
	}
}

func BenchmarkRewritePath(b *testing.B) {
	tbl := mustCompile(b, `
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - {name: prefix, match: {prefix: /api/}, route: {cluster: c, prefix_rewrite: /v2/}}
  - {name: regex, match: {prefix: /}, route: {cluster: c, regex_rewrite: {pattern: {regex: "^/svc/([^/]+)"}, substitution: '/\1'}}}
`)
	for _, bc := range []struct{ name, path string }{{"prefix", "/api/users/1"}, {"regex", "/svc/users/1"}} {
		b.Run(bc.name, func(b *testing.B) {
			_, r := tbl.Match(get("h", bc.path))
			path, dst := []byte(bc.path), make([]byte, 0, 64)
			b.ReportAllocs()
			for b.Loop() {
				dst, _ = r.RewritePath(dst[:0], path)
			}
		})
	}
}
