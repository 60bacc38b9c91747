package route

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
	"github.com/skiffmesh/skiff/proxy/matcher"
)

// This file is the allow-table of the route table: the Envoy v3 messages and fields Compile
// implements. The walker (walk.go) rejects every populated field that is not listed. Extend it
// together with the compiler when Skiff learns a new routing feature.
//
// The tables are read-only after package initialisation.

// rule says how the walker treats a populated field; a field not listed is unsupported.
type rule = fieldcheck.Rule

const (
	// allow accepts the field; the walker checks its contents too.
	allow = fieldcheck.Allow
	// warn accepts the field without looking inside and records a warning that it is ignored.
	// Only for fields that feed telemetry Skiff does not produce (tracing).
	warn = fieldcheck.Warn
)

// allowTable is the allow-table the walker checks a RouteConfiguration against.
var allowTable = &fieldcheck.Table{Whole: allowedWhole, Fields: allowedFields}

// allowedWhole lists messages accepted with all their contents: plain values and informational
// metadata.
var allowedWhole = map[protoreflect.FullName]bool{
	"google.protobuf.Duration":      true,
	"google.protobuf.BoolValue":     true,
	"google.protobuf.UInt32Value":   true,
	"envoy.config.core.v3.Metadata": true,
}

// headerMutationFields are the header add/remove fields shared by routes, virtual hosts and the
// route configuration.
var headerMutationFields = map[protoreflect.Name]rule{
	"request_headers_to_add": allow, "request_headers_to_remove": allow,
	"response_headers_to_add": allow, "response_headers_to_remove": allow,
}

// withHeaderMutations returns fields plus the header mutation fields.
func withHeaderMutations(fields map[protoreflect.Name]rule) map[protoreflect.Name]rule {
	for k, v := range headerMutationFields {
		fields[k] = v
	}
	return fields
}

// allowedFields maps a message to the fields Compile implements in it. A message listed with no
// fields is accepted only when empty. The string, regex and header matchers are proxy/matcher's.
var allowedFields = matcher.WithAllowed(map[protoreflect.FullName]map[protoreflect.Name]rule{
	"envoy.config.route.v3.RouteConfiguration": withHeaderMutations(map[protoreflect.Name]rule{
		"name": allow, "virtual_hosts": allow, "most_specific_header_mutations_wins": allow,
		"validate_clusters": allow, "max_direct_response_body_size_bytes": allow,
		"ignore_port_in_host_matching": allow, "vhost_header": allow, "metadata": allow,
	}),
	"envoy.config.route.v3.VirtualHost": withHeaderMutations(map[protoreflect.Name]rule{
		"name": allow, "domains": allow, "routes": allow, "retry_policy": allow, "metadata": allow,
	}),
	"envoy.config.route.v3.Route": withHeaderMutations(map[protoreflect.Name]rule{
		"name": allow, "match": allow, "route": allow, "redirect": allow, "direct_response": allow,
		"metadata": allow, "decorator": warn, "tracing": warn,
	}),

	// Matching.
	"envoy.config.route.v3.RouteMatch": {
		"prefix": allow, "path": allow, "safe_regex": allow, "path_separated_prefix": allow,
		"case_sensitive": allow, "headers": allow, "query_parameters": allow,
	},
	"envoy.config.route.v3.QueryParameterMatcher": {
		"name": allow, "string_match": allow, "present_match": allow,
	},

	// Actions.
	"envoy.config.route.v3.RouteAction": {
		"cluster": allow, "cluster_header": allow, "weighted_clusters": allow,
		"cluster_not_found_response_code": allow, "prefix_rewrite": allow, "regex_rewrite": allow,
		"host_rewrite_literal": allow, "auto_host_rewrite": allow, "timeout": allow,
		"idle_timeout": allow, "retry_policy": allow,
	},
	"envoy.config.route.v3.WeightedCluster":               {"clusters": allow, "total_weight": allow},
	"envoy.config.route.v3.WeightedCluster.ClusterWeight": {"name": allow, "weight": allow},
	"envoy.type.matcher.v3.RegexMatchAndSubstitute":       {"pattern": allow, "substitution": allow},
	"envoy.config.route.v3.RetryPolicy": {
		"retry_on": allow, "num_retries": allow, "per_try_timeout": allow,
		"retriable_status_codes": allow, "retry_back_off": allow,
	},
	"envoy.config.route.v3.RetryPolicy.RetryBackOff": {"base_interval": allow, "max_interval": allow},
	"envoy.config.route.v3.DirectResponseAction":     {"status": allow, "body": allow},
	"envoy.config.core.v3.DataSource":                {"inline_bytes": allow, "inline_string": allow},
	"envoy.config.route.v3.RedirectAction": {
		"https_redirect": allow, "scheme_redirect": allow, "host_redirect": allow,
		"port_redirect": allow, "path_redirect": allow, "prefix_rewrite": allow,
		"regex_rewrite": allow, "response_code": allow, "strip_query": allow,
	},

	// Header mutations.
	"envoy.config.core.v3.HeaderValueOption": {
		"header": allow, "append": allow, "append_action": allow, "keep_empty_value": allow,
	},
	"envoy.config.core.v3.HeaderValue": {"key": allow, "value": allow, "raw_value": allow},
})
