package dubbo

import (
	"fmt"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// DecodeArguments decodes the argument values of a request whose head ParseRequestHead read
// into h. It allocates, so a proxy calls it only when a route matches on arguments. Values are
// what dubbo-go-hessian2 decodes: string, int32, int64, float64, bool, []byte, time.Time, nil,
// []any, map[any]any, and registered or generic objects. Hessian references can make a value
// contain itself: do not print values with fmt's %v. Errors are *FrameError ("bad_body").
func DecodeArguments(body []byte, h *RequestHead) ([]any, error) {
	_, n, end, err := skipArguments(body, h)
	if err != nil {
		return nil, err
	}
	args, err := decodeValues(body[h.ArgsOffset:end], n)
	if err != nil {
		return nil, badBody(fmt.Sprintf("arguments: %v", err))
	}
	return args, nil
}

// skipArguments walks the arguments described by h.ParamTypes and returns the skipper (which
// knows their class definitions), their number and where they end.
func skipArguments(body []byte, h *RequestHead) (skipper, int, int, error) {
	n, err := h.ParamCount()
	if err != nil {
		return skipper{}, 0, 0, err
	}
	if h.ArgsOffset < 0 || h.ArgsOffset > len(body) {
		return skipper{}, 0, 0, badBody(fmt.Sprintf("arguments offset %d of a %d-byte body", h.ArgsOffset, len(body)))
	}
	s := skipper{b: body}
	end, err := s.values(h.ArgsOffset, int64(n))
	if err != nil {
		return skipper{}, 0, 0, badBody(fmt.Sprintf("arguments: %v", err))
	}
	return s, n, end, nil
}

// decodeValues decodes n values with dubbo-go-hessian2. The caller has checked with a skipper
// that p holds n well-formed values whose lengths and counts fit in p, because the library
// allocates whatever a count says (an out-of-memory crash, which nothing can recover) and
// indexes past the end of truncated input. Even checked input makes it panic when a value does
// not fit the Go type it maps to (a generic map where a registered POJO's field is, a list
// where a number is): the recover below is limited to this third-party call and turns such a
// panic into an error, so a peer's bytes cannot crash the proxy.
func decodeValues(p []byte, n int) (vals []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			vals, err = nil, fmt.Errorf("hessian2 decoder: %v", r)
		}
	}()
	dec := hessian.NewDecoder(p)
	vals = make([]any, n)
	for i := range vals {
		if vals[i], err = dec.Decode(); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
	}
	return vals, nil
}

// DecodeAttachments skips the arguments of a request whose head ParseRequestHead read into h,
// and decodes the attachments map that follows them. Entries whose key and value are strings
// are returned (others are skipped); a null map is an empty one. It does not use the hessian2
// library and allocates only the map and its strings, but it walks every argument, so a proxy
// calls it only when a route or filter needs an attachment. Errors are *FrameError.
func DecodeAttachments(body []byte, h *RequestHead) (map[string]string, error) {
	s, _, off, err := skipArguments(body, h)
	if err != nil {
		return nil, err
	}
	m, err := s.stringMap(off)
	if err != nil {
		return nil, badBody(fmt.Sprintf("attachments: %v", err))
	}
	return m, nil
}

// stringMap reads the map at off ('H', 'M' or null) and returns its string entries.
func (s *skipper) stringMap(off int) (map[string]string, error) {
	if off >= len(s.b) {
		return nil, errTruncated
	}
	var err error
	switch s.b[off] {
	case tagNull:
		return map[string]string{}, nil
	case 'H':
		off++
	case 'M':
		if off, err = s.typ(off + 1); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("not a map: tag %#02x", s.b[off])
	}
	return s.stringEntries(off)
}

// stringEntries reads map entries up to 'Z', keeping those whose key and value are strings.
func (s *skipper) stringEntries(off int) (map[string]string, error) {
	m := make(map[string]string)
	var k, v []byte
	var kok, vok bool
	var err error
	for {
		if off >= len(s.b) {
			return nil, errTruncated
		}
		if s.b[off] == 'Z' {
			return m, nil
		}
		if k, kok, off, err = s.maybeString(k[:0], off); err != nil {
			return nil, err
		}
		if v, vok, off, err = s.maybeString(v[:0], off); err != nil {
			return nil, err
		}
		if kok && vok {
			m[string(k)] = string(v)
		}
	}
}

// maybeString appends the value at off to dst if it is a string, and skips it otherwise.
func (s *skipper) maybeString(dst []byte, off int) ([]byte, bool, int, error) {
	if _, _, _, err := stringChunk(s.b, off); err != nil {
		end, err := s.value(off)
		return dst, false, end, err
	}
	dst, end, err := appendString(dst, s.b, off)
	return dst, true, end, err
}
