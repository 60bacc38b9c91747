package httpcm

import (
	"strings"

	httpc "github.com/skiffmesh/skiff/protocol/http"
)

// overlay is a parsed head's header fields plus the edits made to them by
// filters and route header mutations. The parsed fields are never changed:
// removals and additions are recorded and applied when the head is encoded.
// It implements filters.Headers and route.HeaderEditor. Names given to it are
// lower-cased; edits are kept across requests of a connection (reset), so the
// steady state does not allocate. Loop only.
type overlay struct {
	base *httpc.Headers
	dels []string
	adds []field
}

type field struct{ name, value string }

func (o *overlay) reset(base *httpc.Headers) {
	o.base = base
	o.dels = o.dels[:0]
	clear(o.adds)
	o.adds = o.adds[:0]
}

func lowerName(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(name)
		}
	}
	return name
}

func (o *overlay) deleted(name []byte) bool {
	for _, d := range o.dels {
		if len(d) == len(name) && equalFoldASCII(name, d) {
			return true
		}
	}
	return false
}

// Get returns the first value of name: an added value, else a parsed one
// that was not removed.
func (o *overlay) Get(name string) ([]byte, bool) {
	name = lowerName(name)
	for _, a := range o.adds {
		if a.name == name {
			return []byte(a.value), true
		}
	}
	if o.base == nil || o.deleted([]byte(name)) {
		return nil, false
	}
	return o.base.Get(name)
}

// Has implements route.HeaderEditor.
func (o *overlay) Has(name string) bool {
	_, ok := o.Get(name)
	return ok
}

// Set replaces every value of name.
func (o *overlay) Set(name, value string) {
	o.Del(name)
	o.adds = append(o.adds, field{lowerName(name), value})
}

// Add adds another value of name.
func (o *overlay) Add(name, value string) {
	o.adds = append(o.adds, field{lowerName(name), value})
}

// Del removes every value of name.
func (o *overlay) Del(name string) {
	name = lowerName(name)
	kept := o.adds[:0]
	for _, a := range o.adds {
		if a.name != name {
			kept = append(kept, a)
		}
	}
	clear(o.adds[len(kept):])
	o.adds = kept
	if !o.deleted([]byte(name)) {
		o.dels = append(o.dels, name)
	}
}

// Range calls fn for the parsed fields that were not removed, then the
// added ones.
func (o *overlay) Range(fn func(name, value []byte) bool) {
	if o.base != nil {
		for i := range o.base.Len() {
			n, v := o.base.At(i)
			if o.deleted(n) {
				continue
			}
			if !fn(n, v) {
				return
			}
		}
	}
	for _, a := range o.adds {
		if !fn([]byte(a.name), []byte(a.value)) {
			return
		}
	}
}

// appendFields encodes the end-to-end fields (hop-by-hop ones and those
// skip says to leave out are dropped) as "name: value\r\n" lines.
func (o *overlay) appendFields(dst []byte, skip func(name []byte) bool) []byte {
	if o.base != nil {
		for i := range o.base.Len() {
			n, v := o.base.At(i)
			if o.base.HopByHop(i) || o.deleted(n) || (skip != nil && skip(n)) {
				continue
			}
			dst = appendField(dst, n, v)
		}
	}
	for _, a := range o.adds {
		dst = append(dst, a.name...)
		dst = append(dst, ": "...)
		dst = append(dst, a.value...)
		dst = append(dst, "\r\n"...)
	}
	return dst
}

func appendField(dst, name, value []byte) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
