package http

import (
	"strings"
	"testing"
)

// TestClassTable rebuilds classTable from the grammar.
func TestClassTable(t *testing.T) {
	alnum := func(c byte) bool { return isDigit(c) || isAlpha(c) }
	for i := range 256 {
		c := byte(i)
		var want byte
		if alnum(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			want |= classToken
		}
		if c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7e) || c >= 0x80 {
			want |= classValue
		}
		if c >= 0x21 && c <= 0x7e && c != '#' {
			want |= classTarget
		}
		if hexValue(c) >= 0 {
			want |= classHex
		}
		if alnum(c) || strings.IndexByte("-._~!$&'()*+,;=%", c) >= 0 {
			want |= classHost
		}
		if alnum(c) || strings.IndexByte("+-.", c) >= 0 {
			want |= classScheme
		}
		if classTable[c] != want {
			t.Errorf("class of %#02x = %#02x, want %#02x", c, classTable[c], want)
		}
	}
}

func TestValidField(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		ok          bool
	}{
		{"X-Request-Id", "abc-123", true},
		{"X-Empty", "", true},
		{"Bad Name", "v", false},
		{"", "v", false},
		{"X", " padded", false},
		{"X", "tab\tinside", true},
		{"X", "line\r\nbreak", false},
	} {
		if got := ValidFieldName(tt.name) && ValidFieldValue(tt.value); got != tt.ok {
			t.Errorf("%q: %q: got %v", tt.name, tt.value, got)
		}
	}
}
