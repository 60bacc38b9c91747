package http

import "iter"

// MaxHeaders is the capacity of Headers: the most header fields a head can carry. It is Envoy's
// default max_headers_count; Limits.MaxHeaders may lower it.
const MaxHeaders = 100

// field locates one field line in the head buffer: name and trimmed value.
type field struct {
	nameOff, nameEnd, valueOff, valueEnd uint32
}

// Headers is the field section of a parsed head: a fixed-capacity array of views into the
// buffer the head was parsed from, in the order received, names as received (not canonicalised),
// values without surrounding whitespace. It never allocates.
//
// Every []byte it returns aliases the caller's buffer (see the package documentation): valid
// while those bytes are, read-only, and reset by the owning Request or Response's Reset.
type Headers struct {
	buf       []byte
	n         int
	nominated bool // a Connection field names other fields
	fields    [MaxHeaders]field
}

// Len returns the number of field lines.
func (h *Headers) Len() int { return h.n }

// At returns the name and value of field line i, 0 <= i < Len().
func (h *Headers) At(i int) (name, value []byte) {
	f := &h.fields[i]
	return h.buf[f.nameOff:f.nameEnd:f.nameEnd], h.buf[f.valueOff:f.valueEnd:f.valueEnd]
}

// Name returns the name of field line i.
func (h *Headers) Name(i int) []byte {
	f := &h.fields[i]
	return h.buf[f.nameOff:f.nameEnd:f.nameEnd]
}

// Value returns the value of field line i.
func (h *Headers) Value(i int) []byte {
	f := &h.fields[i]
	return h.buf[f.valueOff:f.valueEnd:f.valueEnd]
}

// Index returns the index of the first field line at or after from whose name equals name
// case-insensitively, or -1. Loop with Index(name, i+1) to visit repeated fields.
func (h *Headers) Index(name string, from int) int {
	for i := max(from, 0); i < h.n; i++ {
		if equalFold(h.Name(i), name) {
			return i
		}
	}
	return -1
}

// Get returns the value of the first field named name (case-insensitive) and whether there is
// one. Repeated fields are not combined: use Index or Values for them.
func (h *Headers) Get(name string) ([]byte, bool) {
	if i := h.Index(name, 0); i >= 0 {
		return h.Value(i), true
	}
	return nil, false
}

// Has reports whether a field named name is present.
func (h *Headers) Has(name string) bool { return h.Index(name, 0) >= 0 }

// Values yields the value of each field named name, in order.
func (h *Headers) Values(name string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for i := h.Index(name, 0); i >= 0; i = h.Index(name, i+1) {
			if !yield(h.Value(i)) {
				return
			}
		}
	}
}

// All yields the name and value of every field line, in order.
func (h *Headers) All() iter.Seq2[[]byte, []byte] {
	return func(yield func(name, value []byte) bool) {
		for i := range h.n {
			if !yield(h.At(i)) {
				return
			}
		}
	}
}

// Range calls fn for every field line in order until fn returns false.
func (h *Headers) Range(fn func(name, value []byte) bool) {
	for i := range h.n {
		if !fn(h.At(i)) {
			return
		}
	}
}

func (h *Headers) reset() {
	h.buf = nil
	h.n = 0
	h.nominated = false
}

// add records a field line; the caller checked the capacity.
func (h *Headers) add(nameOff, nameEnd, valueOff, valueEnd int) {
	h.fields[h.n] = field{uint32(nameOff), uint32(nameEnd), uint32(valueOff), uint32(valueEnd)}
	h.n++
}
