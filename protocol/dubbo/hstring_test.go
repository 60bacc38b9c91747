package dubbo

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// libString encodes s with dubbo-go-hessian2.
func libString(s string) []byte {
	e := hessian.NewEncoder()
	e.Encode(s)
	return e.Buffer()
}

var testStrings = []struct{ name, s string }{
	{"empty", ""},
	{"ascii", "com.example.DemoService"},
	{"compact max", strings.Repeat("a", 31)},
	{"short min", strings.Repeat("a", 32)},
	{"short max", strings.Repeat("b", 1023)},
	{"long", strings.Repeat("c", 1024)},
	{"chinese", "服务.问候"},
	{"chinese 31", strings.Repeat("中", 31)},
	{"chinese 32", strings.Repeat("中", 32)},
	{"chinese 2000", strings.Repeat("汉字", 1000)},
	{"two-byte", "café ñ ü"},
	{"emoji", "hi 🙂 there 𝄞"},
	{"one chunk", strings.Repeat("x", 4096)},
	{"chunked", strings.Repeat("x", 4097)},
	{"chunked chinese", strings.Repeat("中文", 5000)},
	{"chunked emoji", strings.Repeat("🙂", 3000)},
	{"java chunk", strings.Repeat("j", 40000)},
}

func TestStringsFromLibrary(t *testing.T) {
	for _, tt := range testStrings {
		t.Run(tt.name, func(t *testing.T) {
			checkString(t, libString(tt.s), tt.s)
		})
	}
}

func TestStringsToLibrary(t *testing.T) {
	for _, tt := range testStrings {
		t.Run(tt.name, func(t *testing.T) {
			enc := appendHessianString(nil, tt.s)
			checkString(t, enc, tt.s)
			v, err := hessian.NewDecoder(enc).Decode()
			if err != nil || v != tt.s {
				t.Fatalf("library decodes %q, %v", v, err)
			}
			if len(tt.s) < 4096 && !bytes.Equal(enc, libString(tt.s)) {
				t.Fatalf("encoding differs from the library's")
			}
		})
	}
}

// checkString reads the encoding enc of s in every way this package can.
func checkString(t *testing.T, enc []byte, s string) {
	t.Helper()
	got, end, err := appendString(nil, enc, 0)
	if err != nil || string(got) != s || end != len(enc) {
		t.Fatalf("appendString: %d of %d bytes, %v, equal %v", end, len(enc), err, string(got) == s)
	}
	if end, err := skipString(enc, 0); err != nil || end != len(enc) {
		t.Fatalf("skipString: %d, %v", end, err)
	}
	view, end, err := stringView(enc, 0, false)
	chunked := enc[0] == tagStringChunk
	switch {
	case chunked && (!errors.Is(err, errChunked) || end != len(enc)):
		t.Fatalf("stringView of chunked: %d, %v", end, err)
	case !chunked && (err != nil || end != len(enc) || string(appendCESU(nil, view)) != s):
		t.Fatalf("stringView: %q, %d, %v", view, end, err)
	}
	for cut := range min(len(enc), 300) {
		if _, _, err := appendString(nil, enc[:cut], 0); err == nil {
			t.Fatalf("accepted %d of %d bytes", cut, len(enc))
		}
	}
}

func TestStringErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"int", []byte{0x91}, errNotString},
		{"null", []byte{'N'}, errNotString},
		{"four-byte utf-8", []byte{0x02, 0xf0, 0x9f, 0x99, 0x82}, errBadUTF8},
		{"bare continuation", []byte{0x01, 0x80}, errBadUTF8},
		{"bad continuation", []byte{0x01, 0xe4, 0x41, 0x41}, errBadUTF8},
		{"truncated utf-8", []byte{0x01, 0xe4, 0xb8}, errTruncated},
		{"short length", []byte{0x30}, errTruncated},
		{"S length", []byte{'S', 0}, errTruncated},
		{"chunk without final", []byte{'R', 0, 1, 'a'}, errTruncated},
		{"chunk then int", []byte{'R', 0, 1, 'a', 0x91}, errNotString},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := appendString(nil, tt.in, 0); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if s, end, err := stringView([]byte{'N'}, 0, true); err != nil || s != nil || end != 1 {
		t.Fatalf("null: %q, %d, %v", s, end, err)
	}
}

func TestStringChunkForms(t *testing.T) {
	// A chunk in each form, the last one final: "ab" + "c" + "d".
	in := []byte{'R', 0, 2, 'a', 'b', 'R', 0, 1, 'c', 0x01, 'd'}
	if got, end, err := appendString(nil, in, 0); err != nil || string(got) != "abcd" || end != len(in) {
		t.Fatalf("%q, %d, %v", got, end, err)
	}
	in = []byte{'R', 0, 1, 'a', 0x30, 1, 'b'}
	if got, _, err := appendString(nil, in, 0); err != nil || string(got) != "ab" {
		t.Fatalf("%q, %v", got, err)
	}
	if v, err := hessian.NewDecoder(in).Decode(); err != nil || v != "ab" {
		t.Fatalf("library: %q, %v", v, err)
	}
}
