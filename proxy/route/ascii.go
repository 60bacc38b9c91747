package route

// ASCII helpers for case-insensitive matching. Envoy's case-insensitive matching (case_sensitive:
// false, ignore_case: true, host names) folds ASCII letters only, and so do these.

// lower returns c folded to lower case if it is an ASCII upper-case letter.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// hasUpper reports whether b contains an ASCII upper-case letter.
func hasUpper(b []byte) bool {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// lowerString returns s with ASCII letters folded to lower case.
func lowerString(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lower(c)
	}
	return string(b)
}

// appendLower appends b folded to lower case to dst.
func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, lower(c))
	}
	return dst
}

// equalFold reports whether b and s are equal ignoring ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(s) {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

// hasPrefix reports whether b starts with s, ignoring ASCII case when fold is set.
func hasPrefix(b []byte, s string, fold bool) bool {
	if len(b) < len(s) {
		return false
	}
	if fold {
		return equalFold(b[:len(s)], s)
	}
	return string(b[:len(s)]) == s
}

// hasSuffix reports whether b ends with s, ignoring ASCII case when fold is set.
func hasSuffix(b []byte, s string, fold bool) bool {
	if len(b) < len(s) {
		return false
	}
	if fold {
		return equalFold(b[len(b)-len(s):], s)
	}
	return string(b[len(b)-len(s):]) == s
}

// equal reports whether b equals s, ignoring ASCII case when fold is set.
func equal(b []byte, s string, fold bool) bool {
	if fold {
		return equalFold(b, s)
	}
	return string(b) == s
}

// containsFold reports whether s occurs in b ignoring ASCII case.
func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if equalFold(b[i:i+len(s)], s) {
			return true
		}
	}
	return false
}
