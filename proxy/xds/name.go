package xds

import "google.golang.org/protobuf/encoding/protowire"

// resourceName reads field 1 of an encoded resource: the name of a Listener, Cluster and
// RouteConfiguration and the cluster_name of a ClusterLoadAssignment. It lets the client tell an
// unchanged resource from its bytes without decoding it. "" when there is none.
func resourceName(b []byte) string {
	name := ""
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return ""
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return ""
			}
			name = string(v) // the last occurrence wins, as in proto decoding
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return ""
		}
		b = b[m:]
	}
	return name
}
