package dubbo

import "strconv"

// RequestHead is the leading strings of a hessian2 request body, as sub-slices of the body (no
// copies; valid while the body is, and read-only). ArgsOffset is where the arguments start.
//
// The bytes are the strings' wire bytes: UTF-8, except that a character outside the Basic
// Multilingual Plane arrives as a CESU-8 surrogate pair (six bytes), as Java writes it.
type RequestHead struct {
	DubboVersion, Path, Version, Method, ParamTypes []byte
	ArgsOffset                                      int
	ends                                            [5]int32 // where each view ends in the body (Rebase)
}

// views are the five string fields, in wire order.
func (h *RequestHead) views() [5]*[]byte {
	return [...]*[]byte{&h.DubboVersion, &h.Path, &h.Version, &h.Method, &h.ParamTypes}
}

// ParseRequestHead reads the dubbo version, service path, service version, method and
// parameter type descriptors at the start of a request body (not an event's) into h, without
// allocating. The version strings and the descriptors may be hessian null (read as empty); the
// path and method must be strings. A string in chunks (more than 4096 characters with
// dubbo-go-hessian2, 32768 with Java) cannot be a sub-slice and is rejected: no real service
// name, version or method is that long. Errors are *FrameError with Reason "bad_body"; h is
// then partly filled.
func ParseRequestHead(body []byte, h *RequestHead) error {
	off := 0
	for i, dst := range h.views() {
		s, end, err := stringView(body, off, i != 1 && i != 3) // path and method cannot be null
		if err != nil {
			return headError(i, err)
		}
		*dst, off, h.ends[i] = s, end, int32(end)
	}
	h.ArgsOffset = off
	return nil
}

// Rebase points h's views into body, a copy of (at least the head of) the body h was parsed
// from, without parsing it again.
func (h *RequestHead) Rebase(body []byte) {
	for i, v := range h.views() {
		if *v != nil {
			end := int(h.ends[i])
			*v = body[end-len(*v) : end : end]
		}
	}
}

// headFields names the strings of a request head, for errors.
var headFields = [...]string{"dubbo version", "path", "version", "method", "parameter types"}

func headError(field int, err error) error {
	return badBody("request head: " + headFields[field] + ": " + err.Error())
}

// ParamCount is the number of parameters described by ParamTypes, JVM descriptors such as
// "Ljava/lang/String;I[J" (3). It does not allocate; a malformed descriptor is a *FrameError.
func (h *RequestHead) ParamCount() (int, error) {
	n := 0
	for i := 0; i < len(h.ParamTypes); n++ {
		end, ok := descriptorEnd(h.ParamTypes, i)
		if !ok {
			return 0, badBody("bad parameter type descriptor " + quote(h.ParamTypes))
		}
		i = end
	}
	return n, nil
}

// descriptorEnd returns the end of the JVM field descriptor at p[i].
func descriptorEnd(p []byte, i int) (int, bool) {
	for i < len(p) && p[i] == '[' {
		i++
	}
	if i >= len(p) {
		return 0, false
	}
	switch p[i] {
	case 'Z', 'B', 'C', 'S', 'I', 'J', 'F', 'D', 'V':
		return i + 1, true
	case 'L':
		start := i + 1
		for i = start; i < len(p) && p[i] != ';'; i++ {
			if p[i] == '[' || p[i] == '.' {
				return 0, false
			}
		}
		return i + 1, i < len(p) && i > start
	}
	return 0, false
}

// quote returns p as a quoted string for an error message, cut to 64 bytes.
func quote(p []byte) string {
	if len(p) > 64 {
		return strconv.Quote(string(p[:64])) + "..."
	}
	return strconv.Quote(string(p))
}
