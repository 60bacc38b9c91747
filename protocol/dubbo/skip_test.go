package dubbo

import (
	"math"
	"strings"
	"testing"
	"time"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// skipValues are values in every encoding dubbo-go-hessian2 writes.
func skipValues() map[string]any {
	shared := &User{ID: "shared"}
	list := []any{"x"}
	return map[string]any{
		"null": nil, "true": true, "false": false,
		"int small": int32(-16), "int byte": int32(2000), "int short": int32(-200000), "int": int32(math.MinInt32),
		"long small": int64(15), "long byte": int64(-2000), "long short": int64(200000), "long int": int64(1 << 30), "long": int64(math.MaxInt64),
		"double zero": 0.0, "double one": 1.0, "double byte": -7.0, "double short": 3000.0, "double float": 1.5, "double": math.Pi,
		"date": time.UnixMilli(1700000000000), "date minute": time.Unix(1700000040, 0),
		"string": "s", "string long": strings.Repeat("长", 5000),
		"binary": []byte{1, 2}, "binary short": make([]byte, 900), "binary long": make([]byte, 5000), "binary chunked": make([]byte, 70000),
		"list untyped": []any{int32(1), "a", nil}, "list long": make([]any, 9), "list typed": []int32{1, 2, 3},
		"list strings": []string{"a", "b"}, "list long typed": make([]string, 10),
		"map": map[any]any{"k": int32(1), int32(2): []any{}}, "map typed": map[string]int32{"a": 1},
		"object": &User{ID: "1"}, "objects": []*User{{ID: "a"}, {ID: "b"}, shared, shared},
		"refs":   []any{list, list, map[any]any{"l": list}},
		"nested": []any{[]any{[]any{map[any]any{"deep": []any{int64(1)}}}}},
	}
}

func TestSkipperMatchesLibrary(t *testing.T) {
	for name, v := range skipValues() {
		t.Run(name, func(t *testing.T) {
			e := hessian.NewEncoder()
			for range 3 { // three times: the second and third use class and type references
				if err := e.Encode(v); err != nil {
					t.Fatal(err)
				}
			}
			b := e.Buffer()
			s := skipper{b: b}
			end, err := s.values(0, 3)
			if err != nil || end != len(b) {
				t.Fatalf("skipped %d of %d bytes: %v", end, len(b), err)
			}
			if _, err := decodeValues(b, 3); err != nil {
				t.Fatalf("library: %v", err)
			}
			for cut := range min(len(b), 200) {
				s := skipper{b: b[:cut]}
				if _, err := s.values(0, 3); err == nil {
					t.Fatalf("accepted %d of %d bytes", cut, len(b))
				}
			}
		})
	}
}

func TestSkipperRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"reserved tag", []byte{0x40}},
		{"end tag", []byte{'Z'}},
		{"list too long", []byte{0x58, 'I', 0x7f, 0xff, 0xff, 0xff, 'N'}},
		{"list negative", []byte{0x58, 0x8f}},
		{"class too many fields", []byte{'C', 0x01, 'A', 'I', 0x7f, 0xff, 0xff, 0xff}},
		{"undefined class", []byte{0x60}},
		{"undefined class O", []byte{'O', 0x95}},
		{"map without end", []byte{'H', 0x01, 'k', 0x01, 'v'}},
		{"binary chunk then string", []byte{'A', 0, 1, 9, 0x01, 'a'}},
		{"too deep", []byte(strings.Repeat("\x57", maxDepth+1) + strings.Repeat("Z", maxDepth+1))},
		{"ref without int", []byte{0x51, 'N'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := skipper{b: tt.in}
			if end, err := s.value(0); err == nil {
				t.Fatalf("accepted %d bytes", end)
			}
		})
	}
	ok := []byte(strings.Repeat("\x57", maxDepth) + strings.Repeat("Z", maxDepth))
	if s := (skipper{b: ok}); func() error { _, err := s.value(0); return err }() != nil {
		t.Fatal("rejected nesting at the limit")
	}
}
