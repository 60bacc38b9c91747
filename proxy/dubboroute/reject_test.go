package dubboroute

import (
	"errors"
	"strings"
	"testing"
)

func TestReject(t *testing.T) {
	for _, tc := range []struct {
		name        string
		config      string
		want        string // a substring of the error
		unsupported bool
	}{
		{"typed metadata", `[{name: a, interface: I, routes: [{match: {}, route: {cluster: c, metadata_match: {typed_filter_metadata: {x: {"@type": type.googleapis.com/google.protobuf.Empty}}}}}]}]`,
			"route_config[0].routes[0].route.metadata_match.typed_filter_metadata: not supported", true},
		{"other metadata namespace", `[{name: a, interface: I, routes: [{match: {}, route: {cluster: c, metadata_match: {filter_metadata: {other: {k: v}}}}}]}]`,
			`routes[0].route.metadata_match.filter_metadata["other"]: only the "envoy.lb" namespace is not supported`, true},
		{"list metadata value", `[{name: a, interface: I, routes: [{match: {}, route: {cluster: c, metadata_match: {filter_metadata: {envoy.lb: {k: [1]}}}}}]}]`,
			`metadata_match.filter_metadata["envoy.lb"].k: only string`, false},
		{"regex max program size", `[{name: a, interface: I, routes: [{match: {method: {name: {safe_regex: {google_re2: {max_program_size: 10}, regex: x}}}}, route: {cluster: c}}]}]`,
			"routes[0].match.method.name.safe_regex.google_re2.max_program_size: not supported", true},
		{"bad regex", `[{name: a, interface: I, routes: [{match: {method: {name: {safe_regex: {regex: "a)"}}}}, route: {cluster: c}}]}]`,
			"routes[0].match.method.name.safe_regex.regex: error parsing regexp", false},
		{"bad range", `[{name: a, interface: I}, {name: b, interface: I, routes: [{match: {method: {params_match: {"3": {range_match: {start: 5, end: 5}}}}}, route: {cluster: c}}]}]`,
			"route_config[1].routes[0].match.method.params_match[3].range_match: start 5 must be less than end 5", false},
		{"empty param spec", `[{name: a, interface: I, routes: [{match: {method: {params_match: {"0": {}}}}, route: {cluster: c}}]}]`,
			"routes[0].match.method.params_match[0]: exact_match or range_match is required", false},
		{"header without name", `[{name: a, interface: I, routes: [{match: {headers: [{present_match: true}]}, route: {cluster: c}}]}]`,
			"routes[0].match.headers[0].name: required", false},
		{"header string match", `[{name: a, interface: I, routes: [{match: {headers: [{name: h, string_match: {prefix: ""}}]}, route: {cluster: c}}]}]`,
			"routes[0].match.headers[0].string_match.prefix: must not be empty", false},
		{"no interface", `[{name: a, routes: [{match: {}, route: {cluster: c}}]}]`, "route_config[0].interface: required", false},
		{"middle wildcard", `[{name: a, interface: "com.*.Foo", routes: []}]`, "interface: \"com.*.Foo\": only a leading or trailing", false},
		{"two wildcards", `[{name: a, interface: "*.foo.*"}]`, "interface: \"*.foo.*\": only one", false},
		{"no match", `[{name: a, interface: I, routes: [{route: {cluster: c}}]}]`, "routes[0].match: required", false},
		{"no action", `[{name: a, interface: I, routes: [{match: {}}]}]`, "routes[0].route: required", false},
		{"empty cluster", `[{name: a, interface: I, routes: [{match: {}, route: {cluster: ""}}]}]`, "routes[0].route.cluster: must not be empty", false},
		{"zero total weight", `[{name: a, interface: I, routes: [{match: {}, route: {weighted_clusters: {clusters: [{name: x, weight: 0}]}}}]}]`,
			"routes[0].route.weighted_clusters.clusters: the total weight must be at least 1", false},
		{"weighted runtime key", `[{name: a, interface: I, routes: [{match: {}, route: {weighted_clusters: {runtime_key_prefix: r, clusters: [{name: x, weight: 1}]}}}]}]`,
			"routes[0].route.weighted_clusters.runtime_key_prefix: not supported", true},
		{"weighted cluster header", `[{name: a, interface: I, routes: [{match: {}, route: {weighted_clusters: {clusters: [{cluster_header: x, weight: 1}]}}}]}]`,
			"routes[0].route.weighted_clusters.clusters[0].cluster_header: not supported", true},
		{"wrong total weight", `[{name: a, interface: I, routes: [{match: {}, route: {weighted_clusters: {total_weight: 3, clusters: [{name: x, weight: 1}]}}}]}]`,
			"routes[0].route.weighted_clusters.total_weight: 3 is not the sum of the weights (1)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(parse(t, tc.config))
			if err == nil {
				t.Fatal("Compile succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Fatalf("errors.Is(ErrUnsupported) = %v, want %v", !tc.unsupported, tc.unsupported)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *FieldError", err)
			}
			if Check(parse(t, tc.config)) == nil {
				t.Fatal("Check succeeded")
			}
		})
	}
}

func TestCheckNil(t *testing.T) {
	if err := Check(nil); err != nil {
		t.Fatalf("Check(nil) = %v", err)
	}
}
