package config

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

// typedStructs are the TypedStruct messages; their errors name the type URL they carry.
var typedStructs = map[protoreflect.FullName]bool{
	"udpa.type.v1.TypedStruct": true,
	"xds.type.v3.TypedStruct":  true,
}

// checkFields walks m against the allow-table with the global type registry, records unsupported
// fields in probs (under probs' base path) and returns the warnings for accepted-but-ignored
// fields. The walker unpacks google.protobuf.Any and walks the contents under the path of the Any
// field itself (`typed_config.access_log`).
func checkFields(m proto.Message, probs *problems) []string {
	t := fieldcheck.Table{
		Whole:    allowedWhole,
		Fields:   allowedFields,
		Types:    protoregistry.GlobalTypes,
		Skip:     skipWhole,
		Describe: describe,
	}
	var warnings []string
	for _, path := range t.Check(m, probs.add) {
		warnings = append(warnings, joinPath(probs.base, path)+": accepted but ignored")
	}
	return warnings
}

// skipWhole accepts, with all their contents, the messages whose checks live elsewhere
// (istio.go, stats_allow.go).
func skipWhole(m protoreflect.Message) bool {
	return skipTelemetry(m) || skiffExtension(m) || plainLbEndpointMsg(m)
}

// describe names a message type for an error; for a TypedStruct it adds the type URL it carries.
func describe(m protoreflect.Message) string {
	name := m.Descriptor().FullName()
	if !typedStructs[name] {
		return string(name)
	}
	url := m.Get(m.Descriptor().Fields().ByName("type_url")).String()
	return fmt.Sprintf("%s with type_url %q", name, url)
}
