package route

import "google.golang.org/protobuf/proto"

// checkFields walks m, records the fields the allow-table (allow.go) does not accept in probs and
// returns the warnings for accepted-but-ignored fields. google.protobuf.Any is not listed in the
// table, so a field holding one (typed_per_filter_config, ...) is rejected where it is set.
func checkFields(m proto.Message, probs *problems) []string {
	var warnings []string
	for _, path := range allowTable.Check(m, probs.Add) {
		warnings = append(warnings, path+": accepted but ignored")
	}
	return warnings
}
