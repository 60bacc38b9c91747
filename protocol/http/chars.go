package http

// Character classes of RFC 9110 and RFC 3986, one bit each in classTable.
const (
	classToken  = 1 << iota // tchar: field names, methods, transfer codings
	classValue              // field-vchar, SP and HTAB: field values, reason phrases
	classTarget             // visible ASCII but '#': request-target
	classHex                // HEXDIG
	classHost               // unreserved, sub-delims and '%': reg-name
	classScheme             // ALPHA, DIGIT, '+', '-', '.': URI scheme
)

// classTable holds the classes of each byte value. It is a string so that it cannot change;
// TestClassTable rebuilds it from the grammar.
const classTable = "" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x02\x17\x06\x03\x17\x17\x17\x17\x16\x16\x17\x37\x16\x37\x37\x06" +
	"\x3f\x3f\x3f\x3f\x3f\x3f\x3f\x3f\x3f\x3f\x06\x16\x06\x16\x06\x06" +
	"\x06\x3f\x3f\x3f\x3f\x3f\x3f\x37\x37\x37\x37\x37\x37\x37\x37\x37" +
	"\x37\x37\x37\x37\x37\x37\x37\x37\x37\x37\x37\x06\x06\x06\x07\x17" +
	"\x07\x3f\x3f\x3f\x3f\x3f\x3f\x37\x37\x37\x37\x37\x37\x37\x37\x37" +
	"\x37\x37\x37\x37\x37\x37\x37\x37\x37\x37\x37\x06\x07\x06\x17\x00" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02"

func is(c byte, class byte) bool { return classTable[c]&class != 0 }

// hexValue returns the value of the hex digit c, or -1.
func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// lower returns c in lower case if it is an ASCII letter.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// equalFold reports whether b and s are equal under ASCII case folding.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

// trimOWS returns b without leading and trailing SP and HTAB.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// ValidFieldName reports whether name is a valid field name (a token). Use it to check configured
// header names before handing them to the encoder, which does not check.
func ValidFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := range len(name) {
		if !is(name[i], classToken) {
			return false
		}
	}
	return true
}

// ValidFieldValue reports whether value is a valid field value: no control characters but HTAB,
// no leading or trailing whitespace.
func ValidFieldValue[V ~string | ~[]byte](value V) bool {
	n := len(value)
	if n > 0 && (value[0] == ' ' || value[0] == '\t' || value[n-1] == ' ' || value[n-1] == '\t') {
		return false
	}
	for i := range n {
		if !is(value[i], classValue) {
			return false
		}
	}
	return true
}
