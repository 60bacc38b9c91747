package route

import "github.com/skiffmesh/skiff/proxy/matcher"

// ASCII helpers for host names, which match case-insensitively (ASCII letters only, as Envoy).
// The helpers routing shares with the matchers are in proxy/matcher.

// hasUpper reports whether b contains an ASCII upper-case letter.
func hasUpper(b []byte) bool {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// appendLower appends b folded to lower case to dst.
func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, matcher.Lower(c))
	}
	return dst
}
