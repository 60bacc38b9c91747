package dubboroute

import "google.golang.org/protobuf/proto"

// checkFields walks m and records the fields the allow-table (allow.go) does not accept in probs.
// google.protobuf.Any is not listed, so a field holding one (typed_filter_metadata) is rejected
// where it is set.
func checkFields(m proto.Message, probs *problems) {
	allowTable.Check(m, probs.Add)
}
