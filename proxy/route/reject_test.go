package route

import (
	"errors"
	"strings"
	"testing"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// vhostWith is a configuration named "t" with one virtual host "vh" for every domain whose extra
// fields are vhostFields (YAML lines indented by two spaces) and one route "r".
func vhostWith(vhostFields string) string {
	return `
name: t
virtual_hosts:
- name: vh
  domains: ["*"]
` + vhostFields + `
  routes: [{name: r, match: {prefix: /}, route: {cluster: c}}]
`
}

func TestCompileRejects(t *testing.T) {
	const (
		rc = `route_config "t": `
		r0 = rc + `virtual_hosts[0].routes[0].`
		rt = r0 + `route.`
	)
	cases := []struct {
		name, doc, want string
		unsupported     bool
	}{
		// Unsupported fields at every level.
		{"vhds", "name: t\nvhds: {config_source: {ads: {}}}", rc + "vhds: not supported", true},
		{"internal_only_headers", "name: t\ninternal_only_headers: [x-internal]", rc + "internal_only_headers: not supported", true},
		{"ignore_path_parameters", "name: t\nignore_path_parameters_in_path_matching: true", rc + "ignore_path_parameters_in_path_matching: not supported", true},
		{"config typed_per_filter_config", "name: t\ntyped_per_filter_config: {x: {'@type': type.googleapis.com/google.protobuf.Empty}}", rc + "typed_per_filter_config: not supported", true},
		{"cluster_specifier_plugins", "name: t\ncluster_specifier_plugins: [{extension: {name: x}}]", rc + "cluster_specifier_plugins: not supported", true},
		{"vhost rate_limits", vhostWith("  rate_limits: [{actions: [{source_cluster: {}}]}]"), rc + "virtual_hosts[0].rate_limits: not supported", true},
		{"vhost require_tls", vhostWith("  require_tls: ALL"), rc + "virtual_hosts[0].require_tls: not supported", true},
		{"vhost typed_per_filter_config", vhostWith("  typed_per_filter_config: {x: {'@type': type.googleapis.com/google.protobuf.Empty}}"), rc + "virtual_hosts[0].typed_per_filter_config: not supported", true},
		{"vhost hedge_policy", vhostWith("  hedge_policy: {hedge_on_per_try_timeout: true}"), rc + "virtual_hosts[0].hedge_policy: not supported", true},
		{"route typed_per_filter_config", action("route: {cluster: c}\n    typed_per_filter_config: {x: {'@type': type.googleapis.com/google.protobuf.Empty}}"), "virtual_hosts[0].routes[0].typed_per_filter_config: not supported", true},
		{"filter_action", action("filter_action: {}"), "virtual_hosts[0].routes[0].filter_action: not supported", true},
		{"runtime_fraction", oneRoute("{prefix: /, runtime_fraction: {default_value: {numerator: 1}}}"), r0 + "match.runtime_fraction: not supported", true},
		{"grpc", oneRoute("{prefix: /, grpc: {}}"), r0 + "match.grpc: not supported", true},
		{"connect_matcher", oneRoute("{connect_matcher: {}}"), r0 + "match.connect_matcher: not supported", true},
		{"cookies", oneRoute("{prefix: /, cookies: [{name: a, string_match: {exact: b}}]}"), r0 + "match.cookies: not supported", true},
		{"string_match custom", oneRoute("{prefix: /, headers: [{name: a, string_match: {custom: {name: x}}}]}"), r0 + "match.headers[0].string_match.custom: not supported", true},
		{"google_re2 max_program_size", oneRoute("{safe_regex: {google_re2: {max_program_size: 10}, regex: a}}"), r0 + "match.safe_regex.google_re2.max_program_size: not supported", true},
		{"hash_policy", action("route: {cluster: c, hash_policy: [{header: {header_name: x}}]}"), rt + "hash_policy: not supported", true},
		{"request_mirror_policies", action("route: {cluster: c, request_mirror_policies: [{cluster: m}]}"), rt + "request_mirror_policies: not supported", true},
		{"host_rewrite_header", action("route: {cluster: c, host_rewrite_header: x-host}"), rt + "host_rewrite_header: not supported", true},
		{"max_stream_duration", action("route: {cluster: c, max_stream_duration: {max_stream_duration: 1s}}"), rt + "max_stream_duration: not supported", true},
		{"upgrade_configs", action("route: {cluster: c, upgrade_configs: [{upgrade_type: websocket}]}"), rt + "upgrade_configs: not supported", true},
		{"weighted runtime_key_prefix", action("route: {weighted_clusters: {clusters: [{name: a, weight: 1}], runtime_key_prefix: k}}"), rt + "weighted_clusters.runtime_key_prefix: not supported", true},
		{"weighted cluster headers", action("route: {weighted_clusters: {clusters: [{name: a, weight: 1, request_headers_to_add: [{header: {key: a, value: b}}]}]}}"), rt + "weighted_clusters.clusters[0].request_headers_to_add: not supported", true},
		{"retry_host_predicate", action("route: {cluster: c, retry_policy: {retry_on: 5xx, retry_host_predicate: [{name: envoy.retry_host_predicates.previous_hosts}]}}"), rt + "retry_policy.retry_host_predicate: not supported", true},
		{"retry_on unknown", action("route: {cluster: c, retry_policy: {retry_on: '5xx,unavailable'}}"), rt + `retry_policy.retry_on: condition "unavailable" not supported`, true},
		{"direct_response filename", action("direct_response: {status: 200, body: {filename: /etc/passwd}}"), r0 + "direct_response.body.filename: not supported", true},
		{"direct_response body_format", action("direct_response: {status: 200, body_format: {text_format: x}}"), r0 + "direct_response.body_format: not supported", true},
		{"header substitution", action("route: {cluster: c}\n    request_headers_to_add: [{header: {key: x-ip, value: '%DOWNSTREAM_REMOTE_ADDRESS%'}}]"),
			r0 + "request_headers_to_add[0].header.value: substitution %DOWNSTREAM_REMOTE_ADDRESS% not supported", true},
		{"lone percent", vhostWith("  response_headers_to_add: [{header: {key: x-a, value: '50%'}}]"),
			rc + "virtual_hosts[0].response_headers_to_add[0].header.value: substitution % not supported", true},

		// Values.
		{"no domains", "name: t\nvirtual_hosts: [{name: vh}]", rc + "virtual_hosts[0].domains: at least one domain is required", false},
		{"no vhost name", "name: t\nvirtual_hosts: [{domains: [a]}]", rc + "virtual_hosts[0].name: must not be empty", false},
		{"duplicate exact domain", "name: t\nvirtual_hosts: [{name: a, domains: [x.com]}, {name: b, domains: [X.com]}]",
			rc + `virtual_hosts[1].domains[0]: domain "x.com" is also in virtual host "a": domains must be unique`, false},
		{"duplicate wildcard domain", "name: t\nvirtual_hosts: [{name: a, domains: ['*.x.com', 'y.*']}, {name: b, domains: ['y.*']}]",
			rc + `virtual_hosts[1].domains[0]: domain "y.*" is also in virtual host "a"`, false},
		{"two catch-all domains", "name: t\nvirtual_hosts: [{name: a, domains: ['*']}, {name: b, domains: ['*']}]",
			rc + `virtual_hosts[1].domains[0]: domain "*" is also in virtual host "a": only one virtual host may have it`, false},
		{"no match", action("route: {cluster: c}\n  - name: r2\n    route: {cluster: c}"), rc + "virtual_hosts[0].routes[1].match: required", false},
		{"no path specifier", oneRoute("{headers: [{name: a}]}"), r0 + "match: one of prefix, path, safe_regex or path_separated_prefix is required", false},
		{"no action", "name: t\nvirtual_hosts: [{name: vh, domains: ['*'], routes: [{match: {prefix: /}}]}]", r0[:len(r0)-1] + ": one of route, redirect or direct_response is required", false},
		{"bad path regex", oneRoute(`{safe_regex: {regex: "a("}}`), r0 + "match.safe_regex.regex: error parsing regexp: missing closing ): `a(`", false},
		{"broken regex is not rescued by anchoring", oneRoute(`{safe_regex: {regex: "a)|(b"}}`), r0 + "match.safe_regex.regex: error parsing regexp", false},
		{"empty regex", oneRoute(`{safe_regex: {regex: ""}}`), r0 + "match.safe_regex.regex: required", false},
		{"bad header regex", oneRoute(`{prefix: /, headers: [{name: a, string_match: {safe_regex: {regex: "["}}}]}`), r0 + "match.headers[0].string_match.safe_regex.regex: error parsing regexp", false},
		{"bad query regex", oneRoute(`{prefix: /, query_parameters: [{name: a, string_match: {safe_regex: {regex: "*"}}}]}`), r0 + "match.query_parameters[0].string_match.safe_regex.regex: error parsing regexp", false},
		{"empty header name", oneRoute(`{prefix: /, headers: [{name: ""}]}`), r0 + "match.headers[0].name: required", false},
		{"empty string_match prefix", oneRoute(`{prefix: /, headers: [{name: a, string_match: {prefix: ""}}]}`), r0 + "match.headers[0].string_match.prefix: must not be empty", false},
		{"empty string_match", oneRoute(`{prefix: /, headers: [{name: a, string_match: {}}]}`), r0 + "match.headers[0].string_match: one of exact, prefix, suffix, contains or safe_regex is required", false},
		{"empty range", oneRoute(`{prefix: /, headers: [{name: a, range_match: {start: 5, end: 5}}]}`), r0 + "match.headers[0].range_match: start 5 must be less than end 5", false},
		{"empty query name", oneRoute(`{prefix: /, query_parameters: [{name: ""}]}`), r0 + "match.query_parameters[0].name: must not be empty", false},
		{"separated prefix trailing slash", oneRoute("{path_separated_prefix: /api/}"), r0 + `match.path_separated_prefix: "/api/" must not end with '/'`, false},
		{"separated prefix query", oneRoute("{path_separated_prefix: '/a?b'}"), r0 + `match.path_separated_prefix: "/a?b" must not contain '?' or '#'`, false},
		{"empty cluster", action(`route: {cluster: ""}`), rt + "cluster: must not be empty", false},
		{"no cluster specifier", action(`route: {timeout: 1s}`), rt[:len(rt)-1] + ": one of cluster, cluster_header or weighted_clusters is required", false},
		{"weights sum to zero", action("route: {weighted_clusters: {clusters: [{name: a, weight: 0}]}}"), rt + "weighted_clusters.clusters: the sum of the weights must be greater than 0", false},
		{"weights overflow", action("route: {weighted_clusters: {clusters: [{name: a, weight: 4294967295}, {name: b, weight: 1}]}}"), rt + "weighted_clusters.clusters: the sum of the weights 4294967296 exceeds", false},
		{"total_weight mismatch", action("route: {weighted_clusters: {clusters: [{name: a, weight: 1}], total_weight: 100}}"), rt + "weighted_clusters.total_weight: 100 is not the sum of the weights 1", false},
		{"weighted cluster without name", action("route: {weighted_clusters: {clusters: [{weight: 1}]}}"), rt + "weighted_clusters.clusters[0].name: must not be empty", false},
		{"no weighted clusters", action("route: {weighted_clusters: {}}"), rt + "weighted_clusters.clusters: at least one cluster is required", false},
		{"negative timeout", action("route: {cluster: c, timeout: -1s}"), rt + "timeout: -1s is less than 0s", false},
		{"both rewrites", action(`route: {cluster: c, prefix_rewrite: /x, regex_rewrite: {pattern: {regex: a}, substitution: b}}`), rt[:len(rt)-1] + ": prefix_rewrite and regex_rewrite are mutually exclusive", false},
		{"bad substitution group", action(`route: {cluster: c, regex_rewrite: {pattern: {regex: "(a)"}, substitution: '\2'}}`), rt + `regex_rewrite.substitution: "\\2" refers to group 2 but the pattern has 1`, false},
		{"rewrite without pattern", action(`route: {cluster: c, regex_rewrite: {substitution: x}}`), rt + "regex_rewrite.pattern: required", false},
		{"back-off without base", action("route: {cluster: c, retry_policy: {retry_on: 5xx, retry_back_off: {max_interval: 1s}}}"), rt + "retry_policy.retry_back_off.base_interval: required", false},
		{"back-off max below base", action("route: {cluster: c, retry_policy: {retry_on: 5xx, retry_back_off: {base_interval: 1s, max_interval: 0.5s}}}"), rt + "retry_policy.retry_back_off.max_interval: 500ms is less than base_interval 1s", false},
		{"vhost retry policy", vhostWith("  retry_policy: {retry_on: bogus}"), rc + `virtual_hosts[0].retry_policy.retry_on: condition "bogus" not supported`, true},
		{"direct response status", action("direct_response: {status: 100}"), r0 + "direct_response.status: 100 is not in 200..599", false},
		{"direct response too big", "max_direct_response_body_size_bytes: 3" + action("direct_response: {status: 200, body: {inline_string: abcd}}"),
			`virtual_hosts[0].routes[0].direct_response.body: 4 bytes, more than max_direct_response_body_size_bytes 3`, false},
		{"redirect port", action("redirect: {port_redirect: 70000}"), r0 + "redirect.port_redirect: 70000 is not a port", false},
		{"redirect bad regex", action(`redirect: {regex_rewrite: {pattern: {regex: "("}, substitution: x}}`), r0 + "redirect.regex_rewrite.pattern.regex: error parsing regexp", false},
		{"modify host", action("route: {cluster: c}\n    request_headers_to_add: [{header: {key: Host, value: x}}]"), r0 + `request_headers_to_add[0].header.key: header "host" may not be modified`, false},
		{"remove pseudo-header", "request_headers_to_remove: [':path']" + action("route: {cluster: c}"), `route_config "t": request_headers_to_remove[0]: header ":path" may not be modified`, false},
		{"append and append_action", action("route: {cluster: c}\n    response_headers_to_add: [{header: {key: a, value: b}, append: true, append_action: ADD_IF_ABSENT}]"), r0 + "response_headers_to_add[0]: append and append_action are mutually exclusive", false},
		{"value and raw_value", action("route: {cluster: c}\n    response_headers_to_add: [{header: {key: a, value: b, raw_value: YQ==}}]"), r0 + "response_headers_to_add[0].header: value and raw_value are mutually exclusive", false},
		{"no header", action("route: {cluster: c}\n    response_headers_to_add: [{append_action: ADD_IF_ABSENT}]"), r0 + "response_headers_to_add[0].header: required", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := parseYAML([]byte(tc.doc))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, tc.doc)
			}
			_, err = Compile(rc)
			if err == nil {
				t.Fatalf("Compile accepted:\n%s", tc.doc)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  %v\ndoes not contain\n  %s", err, tc.want)
			}
			if got := errors.Is(err, ErrUnsupported); got != tc.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %t, want %t: %v", got, tc.unsupported, err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error is not a *FieldError: %v", err)
			}
		})
	}
}

func TestCompileJoinsErrors(t *testing.T) {
	_, err := Compile(mustParse(t, `
name: t
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - {match: {safe_regex: {regex: "("}}, route: {cluster: ""}}
  - {match: {path_separated_prefix: /a/}, direct_response: {status: 1}}
`))
	var n int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *FieldError
		if errors.As(e, &fe) {
			n++
		}
	}
	if n != 4 {
		t.Errorf("got %d field errors, want 4: %v", n, err)
	}
}

func TestCompileNil(t *testing.T) {
	if _, err := Compile(nil); err == nil {
		t.Error("Compile(nil) succeeded")
	}
	tbl, err := Compile(&routev3.RouteConfiguration{})
	if err != nil {
		t.Fatal(err)
	}
	if v, r := tbl.Match(get("h", "/")); v != nil || r != nil {
		t.Errorf("empty table matched %v %v", v, r)
	}
}

func TestCompileWarnings(t *testing.T) {
	tbl := mustCompile(t, action("route: {cluster: c}\n    decorator: {operation: op}\n    tracing: {}"))
	want := []string{
		"virtual_hosts[0].routes[0].decorator: accepted but ignored",
		"virtual_hosts[0].routes[0].tracing: accepted but ignored",
	}
	if strings.Join(tbl.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("Warnings = %q, want %q", tbl.Warnings, want)
	}
}
