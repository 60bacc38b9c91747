package dubboroute

import "testing"

const matchConfig = `
- name: exact
  interface: com.acme.Orders
  version: "1.0.0"
  group: blue
  routes:
  - match: {method: {name: {exact: get}}}
    route: {cluster: orders-blue}
- name: orders
  interface: com.acme.Orders
  routes:
  - match: {method: {name: {prefix: list}, params_match: {"0": {exact_match: vip}}}}
    route: {cluster: vip}
  - match: {method: {name: {exact: byId}, params_match: {"0": {range_match: {start: 100, end: 200}}}}}
    route: {cluster: id-100s}
  - match: {method: {name: {exact: byId}, params_match: {"0": {exact_match: "7"}, "1": {exact_match: "true"}}}}
    route: {cluster: id-7}
  - match: {method: {name: {safe_regex: {regex: "del(ete)?"}}}}
    route: {cluster: regex}
  - match: {method: {name: {suffix: SYNC, ignore_case: true}}}
    route: {cluster: sync}
  - match:
      method: {name: {contains: ping}}
      headers:
      - {name: application, string_match: {exact: shop}}
      - {name: env, present_match: true, invert_match: true}
    route: {cluster: ping-shop}
  - match:
      headers:
      - {name: unit, range_match: {start: 0, end: 10}}
    route: {cluster: unit-low}
- name: prefix
  interface: "com.acme.*"
  routes:
  - match: {method: {name: {exact: get}}}
    route: {cluster: acme-any}
- name: suffix
  interface: "*.Users"
  routes:
  - match: {}
    route: {cluster: users}
- name: all
  interface: "*"
  routes:
  - match: {}
    route: {cluster: default}
`

func TestMatch(t *testing.T) {
	tbl := mustCompile(t, matchConfig)
	for _, tc := range []struct {
		name string
		req  *testRequest
		want string // cluster; "" for no route
	}{
		{"group and version", call("com.acme.Orders", "get", "1.0.0", "group", "blue"), "orders-blue"},
		{"other group falls to prefix wildcard", call("com.acme.Orders", "get", "1.0.0", "group", "green"), "acme-any"},
		{"no group falls to prefix wildcard", call("com.acme.Orders", "get", "1.0.0"), "acme-any"},
		{"other version", call("com.acme.Orders", "get", "2.0.0", "group", "blue"), "acme-any"},
		{"param exact string", call("com.acme.Orders", "listAll", "").withArgs("vip"), "vip"},
		{"param exact string mismatch", call("com.acme.Orders", "listAll", "").withArgs("basic"), "default"},
		{"param exact missing argument", call("com.acme.Orders", "listAll", ""), "default"},
		{"param range int32", call("com.acme.Orders", "byId", "").withArgs(int32(150)), "id-100s"},
		{"param range int64 end excluded", call("com.acme.Orders", "byId", "").withArgs(int64(200)), "default"},
		{"param range string", call("com.acme.Orders", "byId", "").withArgs("100"), "id-100s"},
		{"param exact int and bool", call("com.acme.Orders", "byId", "").withArgs(int64(7), true), "id-7"},
		{"param exact bool mismatch", call("com.acme.Orders", "byId", "").withArgs(int32(7), false), "default"},
		{"param exact string against int text", call("com.acme.Orders", "byId", "").withArgs("7", "true"), "id-7"},
		{"regex full match", call("com.acme.Orders", "delete", ""), "regex"},
		{"regex is anchored", call("com.acme.Orders", "undelete", ""), "default"},
		{"suffix ignore case", call("com.acme.Orders", "saveSync", ""), "sync"},
		{"headers match", call("com.acme.Orders", "doping", "", "application", "shop"), "ping-shop"},
		{"inverted present header", call("com.acme.Orders", "doping", "", "application", "shop", "env", "x"), "default"},
		{"header range", call("com.acme.Orders", "other", "", "unit", "3"), "unit-low"},
		{"header range out", call("com.acme.Orders", "other", "", "unit", "10"), "default"},
		{"prefix wildcard", call("com.acme.Stock", "get", ""), "acme-any"},
		{"prefix wildcard needs more", call("com.acme.", "get", ""), "default"},
		{"suffix wildcard", call("org.Users", "x", ""), "users"},
		{"suffix wildcard needs more", call(".Users", "x", ""), "default"},
		{"catch all", call("x.Y", "z", ""), "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tbl.Match(tc.req)
			got := ""
			if r != nil {
				got, _ = r.Pick(0)
			}
			if got != tc.want {
				t.Fatalf("cluster = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNoRoute(t *testing.T) {
	tbl := mustCompile(t, `
- name: one
  interface: com.acme.Orders
  routes:
  - match: {method: {name: {exact: get}}}
    route: {cluster: c}
`)
	if r := tbl.Match(call("com.acme.Orders", "put", "")); r != nil {
		t.Fatalf("Match = %s, want nil", r.Name)
	}
	if r := tbl.Match(call("com.acme.Orders", "get", "")); r == nil || r.Name != "one/0" {
		t.Fatalf("Match = %v, want one/0", r)
	}
}

func TestNeeds(t *testing.T) {
	for _, tc := range []struct {
		name              string
		config            string
		args, attachments bool
	}{
		{"method only", `[{name: a, interface: I, routes: [{match: {method: {name: {exact: m}}}, route: {cluster: c}}]}]`, false, false},
		{"params", `[{name: a, interface: I, routes: [{match: {method: {params_match: {"1": {exact_match: x}}}}, route: {cluster: c}}]}]`, true, false},
		{"headers", `[{name: a, interface: I, routes: [{match: {headers: [{name: h}]}, route: {cluster: c}}]}]`, false, true},
		{"group", `[{name: a, interface: I, group: g, routes: [{match: {}, route: {cluster: c}}]}]`, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl := mustCompile(t, tc.config)
			if tbl.NeedsArguments() != tc.args || tbl.NeedsAttachments() != tc.attachments {
				t.Fatalf("NeedsArguments, NeedsAttachments = %v, %v; want %v, %v",
					tbl.NeedsArguments(), tbl.NeedsAttachments(), tc.args, tc.attachments)
			}
		})
	}
}
