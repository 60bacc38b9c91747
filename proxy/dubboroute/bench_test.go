package dubboroute

import (
	"fmt"
	"strings"
	"testing"
)

// benchConfig is 40 route configurations in the shape a mesh generates: one per interface with a
// few method routes each, a group-qualified one, and a prefix wildcard and catch-all at the end.
func benchConfig() string {
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, "- name: svc-%d\n  interface: com.acme.Service%d\n  routes:\n", i, i)
		for _, m := range []string{"get", "list", "put", "delete"} {
			fmt.Fprintf(&b, "  - match: {method: {name: {exact: %s}}}\n    route: {cluster: svc-%d-%s}\n", m, i, m)
		}
		fmt.Fprintf(&b, "  - match: {method: {name: {prefix: find}}}\n    route: {cluster: svc-%d-find}\n", i)
	}
	b.WriteString("- name: wild\n  interface: \"com.acme.*\"\n  routes:\n  - match: {}\n    route: {cluster: wild}\n")
	b.WriteString("- name: all\n  interface: \"*\"\n  routes:\n  - match: {method: {name: {safe_regex: {regex: \"[a-z]+Async\"}}}}\n    route: {cluster: async}\n")
	return b.String()
}

// benchCases are the requests the benchmark and the allocation test route, with the route each
// must reach ("" for none).
var benchCases = []struct {
	name  string
	req   *testRequest
	route string
	regex bool
}{
	{"exact/first-method", call("com.acme.Service0", "get", "1.0.0"), "svc-0/0", false},
	{"exact/prefix-method", call("com.acme.Service39", "findAll", ""), "svc-39/4", false},
	{"wildcard/fallthrough", call("com.acme.Service7", "other", ""), "wild/0", false},
	{"wildcard/unknown-interface", call("com.acme.Other", "get", ""), "wild/0", false},
	{"no-route", call("org.other.Api", "get", ""), "", true},
	{"regex", call("org.other.Api", "getAsync", ""), "all/0", true},
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

// TestMatchAllocations checks the benchmark requests reach their routes and, except through a
// regex, do not allocate.
func TestMatchAllocations(t *testing.T) {
	tbl := mustCompile(t, benchConfig())
	for _, bc := range benchCases {
		t.Run(bc.name, func(t *testing.T) {
			r := tbl.Match(bc.req)
			got := ""
			if r != nil {
				got = r.Name
			}
			if got != bc.route {
				t.Fatalf("route = %q, want %q", got, bc.route)
			}
			if bc.regex {
				return
			}
			if n := testing.AllocsPerRun(100, func() { tbl.Match(bc.req) }); n != 0 {
				t.Fatalf("Match allocates %v times", n)
			}
		})
	}
}
