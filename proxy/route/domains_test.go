package route

import (
	"strings"
	"testing"
)

const domainsConfig = `
name: domains
virtual_hosts:
- name: exact
  domains: [example.com, Mixed.Example.ORG]
  routes: [{name: exact, match: {prefix: /}, route: {cluster: c}}]
- name: exact-port
  domains: ["example.com:8080"]
  routes: [{name: exact-port, match: {prefix: /}, route: {cluster: c}}]
- name: suffix-short
  domains: ["*.example.com"]
  routes: [{name: suffix-short, match: {prefix: /}, route: {cluster: c}}]
- name: suffix-long
  domains: ["*-bar.example.com"]
  routes: [{name: suffix-long, match: {prefix: /}, route: {cluster: c}}]
- name: suffix-com
  domains: ["*.com"]
  routes: [{name: suffix-com, match: {prefix: /}, route: {cluster: c}}]
- name: prefix-short
  domains: ["foo.*"]
  routes: [{name: prefix-short, match: {prefix: /}, route: {cluster: c}}]
- name: prefix-long
  domains: ["foo.bar.*"]
  routes: [{name: prefix-long, match: {prefix: /}, route: {cluster: c}}]
- name: default
  domains: ["*"]
  routes: [{name: default, match: {prefix: /}, route: {cluster: c}}]
`

func TestDomainSelection(t *testing.T) {
	tbl := mustCompile(t, domainsConfig)
	cases := []struct{ name, host, want string }{
		{"exact", "example.com", "exact"},
		{"exact is case-insensitive", "EXAMPLE.Com", "exact"},
		{"exact domain configured in mixed case", "mixed.example.org", "exact"},
		{"exact with port", "example.com:8080", "exact-port"},
		{"port is part of the host", "example.com:9090", "default"},
		{"exact beats wildcards", "example.com", "exact"},
		{"longest suffix wins", "foo-bar.example.com", "suffix-long"},
		{"shorter suffix", "www.example.com", "suffix-short"},
		{"suffix wildcard needs one character", "-bar.example.com", "suffix-short"},
		{"suffix wildcard is not the bare suffix", ".com", "default"},
		{"suffix wildcard with port does not match", "www.example.com:80", "default"},
		{"suffix beats prefix", "foo.example.com", "suffix-short"},
		{"suffix of suffix", "a.b.com", "suffix-com"},
		{"longest prefix wins", "foo.bar.baz", "prefix-long"},
		{"shorter prefix", "foo.baz", "prefix-short"},
		{"prefix wildcard needs one character", "foo.", "default"},
		{"prefix wildcard matches a port", "foo.bar.x:80", "prefix-long"},
		{"prefix shorter with port", "foo.bar:80", "prefix-short"},
		{"prefix case-insensitive", "FOO.X", "prefix-short"},
		{"default", "other.org", "default"},
		{"empty host", "", "default"},
		{"long upper-case host", strings.Repeat("A", 300) + ".EXAMPLE.COM", "suffix-short"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := get(tc.host, "/")
			if got := routeName(tbl, req); got != tc.want {
				t.Errorf("host %q: got %s, want %s", tc.host, got, tc.want)
			}
			if v := tbl.VirtualHost(req); v == nil || v.Name != tc.want {
				t.Errorf("VirtualHost(%q) = %v, want %s", tc.host, v, tc.want)
			}
		})
	}
}

func TestDomainOptions(t *testing.T) {
	cases := []struct {
		name, config, host string
		headers            []string
		want               string
	}{
		{"no default virtual host", `
virtual_hosts:
- {name: a, domains: [a.com], routes: [{name: a, match: {prefix: /}, route: {cluster: c}}]}
`, "b.com", nil, "<no vhost>"},
		{"ignore_port_in_host_matching", `
ignore_port_in_host_matching: true
virtual_hosts:
- {name: a, domains: [a.com], routes: [{name: a, match: {prefix: /}, route: {cluster: c}}]}
`, "a.com:8080", nil, "a"},
		{"ignore_port keeps an IPv6 literal", `
ignore_port_in_host_matching: true
virtual_hosts:
- {name: a, domains: ["[::1]"], routes: [{name: a, match: {prefix: /}, route: {cluster: c}}]}
`, "[::1]:80", nil, "a"},
		{"ignore_port without a port", `
ignore_port_in_host_matching: true
virtual_hosts:
- {name: a, domains: ["[::1]"], routes: [{name: a, match: {prefix: /}, route: {cluster: c}}]}
`, "[::1]", nil, "a"},
		{"vhost_header", `
vhost_header: X-Host
virtual_hosts:
- {name: a, domains: [a.com], routes: [{name: a, match: {prefix: /}, route: {cluster: c}}]}
- {name: b, domains: [b.com], routes: [{name: b, match: {prefix: /}, route: {cluster: c}}]}
`, "a.com", []string{"x-host", "B.com"}, "b"},
		{"vhost without routes", `
virtual_hosts:
- {name: a, domains: ["*"]}
`, "a.com", nil, "<no route>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tbl := mustCompile(t, tc.config)
			if got := routeName(tbl, get(tc.host, "/", tc.headers...)); got != tc.want {
				t.Errorf("host %q: got %s, want %s", tc.host, got, tc.want)
			}
		})
	}
}
