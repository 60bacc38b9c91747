package matcher

// ASCII helpers for case-insensitive matching. Envoy's case-insensitive matching (case_sensitive:
// false, ignore_case: true, host names) folds ASCII letters only, and so do these. None of them
// allocates except LowerString.

// Lower returns c folded to lower case if it is an ASCII upper-case letter.
func Lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// LowerString returns s with ASCII letters folded to lower case.
func LowerString(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = Lower(c)
	}
	return string(b)
}

// EqualFold reports whether b and s are equal ignoring ASCII case.
func EqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(s) {
		if Lower(b[i]) != Lower(s[i]) {
			return false
		}
	}
	return true
}

// HasPrefix reports whether b starts with s, ignoring ASCII case when fold is set.
func HasPrefix(b []byte, s string, fold bool) bool {
	if len(b) < len(s) {
		return false
	}
	if fold {
		return EqualFold(b[:len(s)], s)
	}
	return string(b[:len(s)]) == s
}

// HasSuffix reports whether b ends with s, ignoring ASCII case when fold is set.
func HasSuffix(b []byte, s string, fold bool) bool {
	if len(b) < len(s) {
		return false
	}
	if fold {
		return EqualFold(b[len(b)-len(s):], s)
	}
	return string(b[len(b)-len(s):]) == s
}

// Equal reports whether b equals s, ignoring ASCII case when fold is set.
func Equal(b []byte, s string, fold bool) bool {
	if fold {
		return EqualFold(b, s)
	}
	return string(b) == s
}

// ContainsFold reports whether s occurs in b ignoring ASCII case.
func ContainsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if EqualFold(b[i:i+len(s)], s) {
			return true
		}
	}
	return false
}
