package stats

// Envoy's default tag rules for response codes apply to the last segment of a name:
//
//	*_rq_<d>xx  -> *_rq_xx   with envoy_response_code_class="<d>"
//	*_rq_<ddd>  -> *_rq      with envoy_response_code="<ddd>"
//
// so cluster.x.upstream_rq_2xx is envoy_cluster_upstream_rq_xx{envoy_cluster_name="x",
// envoy_response_code_class="2"} on /stats/prometheus, as Envoy renders it. Dotted names keep the
// code.
const (
	tagResponseCodeClass = "envoy_response_code_class"
	tagResponseCode      = "envoy_response_code"
)

// responseCode splits a final segment by the rules above. ok is false when neither applies.
func responseCode(seg string) (base, tag, val string, ok bool) {
	n := len(seg)
	if n >= 7 && seg[n-2:] == "xx" && isDigit(seg[n-3]) && seg[n-7:n-3] == "_rq_" {
		return seg[:n-3] + "xx", tagResponseCodeClass, seg[n-3 : n-2], true
	}
	if n >= 7 && isDigit(seg[n-1]) && isDigit(seg[n-2]) && isDigit(seg[n-3]) && seg[n-7:n-3] == "_rq_" {
		return seg[:n-4], tagResponseCode, seg[n-3:], true
	}
	return seg, "", "", false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// lastPlain returns the symbol id of the last plain piece of enc.
func lastPlain(enc string) (uint32, bool) {
	var id uint32
	found := false
	for enc != "" {
		var p piece
		p, enc = nextPiece(enc)
		if !p.tagged {
			id, found = p.val, true
		}
	}
	return id, found
}
