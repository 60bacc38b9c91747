package matcher

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

// WithAllowed adds to an allow-table's fields (fieldcheck.Table.Fields) the messages and fields
// CompileString, CompileRegex and CompileHeader implement, replacing any entries fields has for
// them, and returns fields. A table with a field holding one of these messages uses it, so that
// its walker accepts exactly what these compilers implement.
func WithAllowed(fields map[protoreflect.FullName]map[protoreflect.Name]fieldcheck.Rule) map[protoreflect.FullName]map[protoreflect.Name]fieldcheck.Rule {
	const allow = fieldcheck.Allow
	fields["envoy.config.route.v3.HeaderMatcher"] = map[protoreflect.Name]fieldcheck.Rule{
		"name": allow, "string_match": allow, "present_match": allow, "range_match": allow,
		"invert_match": allow, "treat_missing_header_as_empty": allow,
		"exact_match": allow, "safe_regex_match": allow, "prefix_match": allow,
		"suffix_match": allow, "contains_match": allow,
	}
	fields["envoy.type.v3.Int64Range"] = map[protoreflect.Name]fieldcheck.Rule{"start": allow, "end": allow}
	fields["envoy.type.matcher.v3.StringMatcher"] = map[protoreflect.Name]fieldcheck.Rule{
		"exact": allow, "prefix": allow, "suffix": allow, "contains": allow, "safe_regex": allow,
		"ignore_case": allow,
	}
	fields["envoy.type.matcher.v3.RegexMatcher"] = map[protoreflect.Name]fieldcheck.Rule{"google_re2": allow, "regex": allow}
	fields["envoy.type.matcher.v3.RegexMatcher.GoogleRE2"] = map[protoreflect.Name]fieldcheck.Rule{}
	return fields
}
