package dubboroute

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
	"github.com/skiffmesh/skiff/proxy/matcher"
)

// This file is the allow-table of the Dubbo route table: the Envoy v3 messages and fields Compile
// implements. The walker (walk.go) rejects every populated field that is not listed. Extend it
// together with the compiler when Skiff learns a new routing feature.
//
// The tables are read-only after package initialisation.

// rule says how the walker treats a populated field; a field not listed is unsupported.
type rule = fieldcheck.Rule

// allow accepts the field; the walker checks its contents too.
const allow = fieldcheck.Allow

// allowTable is the allow-table the walker checks a route configuration against.
var allowTable = &fieldcheck.Table{Whole: allowedWhole, Fields: allowedFields}

// dubboPkg is the proto package of the dubbo_proxy messages.
const dubboPkg = "envoy.extensions.filters.network.dubbo_proxy.v3."

// allowedWhole lists messages accepted with all their contents: plain values.
var allowedWhole = map[protoreflect.FullName]bool{
	"google.protobuf.UInt32Value": true,
	"google.protobuf.Struct":      true,
}

// allowedFields maps a message to the fields Compile implements in it. A message listed with no
// fields is accepted only when empty. The string, regex and header matchers are proxy/matcher's.
var allowedFields = matcher.WithAllowed(map[protoreflect.FullName]map[protoreflect.Name]rule{
	dubboPkg + "RouteConfiguration": {
		"name": allow, "interface": allow, "group": allow, "version": allow, "routes": allow,
	},
	dubboPkg + "Route":                               {"match": allow, "route": allow},
	dubboPkg + "RouteMatch":                          {"method": allow, "headers": allow},
	dubboPkg + "MethodMatch":                         {"name": allow, "params_match": allow},
	dubboPkg + "MethodMatch.ParameterMatchSpecifier": {"exact_match": allow, "range_match": allow},
	dubboPkg + "RouteAction": {
		"cluster": allow, "weighted_clusters": allow, "metadata_match": allow,
	},

	// Shared with HTTP routing.
	"envoy.config.route.v3.WeightedCluster": {"clusters": allow, "total_weight": allow},
	"envoy.config.route.v3.WeightedCluster.ClusterWeight": {
		"name": allow, "weight": allow, "metadata_match": allow,
	},
	"envoy.config.core.v3.Metadata": {"filter_metadata": allow},
})
