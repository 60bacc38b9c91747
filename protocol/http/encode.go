package http

import "strconv"

// The encoder appends heads to a caller-supplied buffer and never allocates beyond growing it
// (none once dst has the capacity). It does not validate what the caller passes: check
// configured names and values once with ValidFieldName and ValidFieldValue. Heads are always
// sent as HTTP/1.1.

// Field is a header field the encoder adds.
type Field struct {
	Name  string // a valid field name
	Value []byte // a valid field value
}

// RequestEdit is how AppendRequest changes a parsed request on its way upstream. The zero
// value (or nil) forwards the request as received, minus its hop-by-hop fields.
type RequestEdit struct {
	// Target replaces the request-target, e.g. with a rewritten path, or with PathQuery to
	// send an absolute-form request in origin-form. nil keeps it.
	Target []byte
	// Host replaces the Host field (sent first), or adds one. nil keeps the received one. Set
	// it for HTTP/1.0 requests without Host: the request goes out as HTTP/1.1.
	Host []byte
	// Remove lists field names (case-insensitive) not to copy.
	Remove []string
	// Add lists fields appended after the copied ones. Remove and Add together set a field.
	Add []Field
	// Connection, if not empty, is sent as "Connection: <Connection>" (e.g. "close", or
	// "upgrade" for a forwarded upgrade).
	Connection string
	// Upgrade forwards the Upgrade field, otherwise dropped as hop-by-hop: set it (and
	// Connection to "upgrade") to pass an upgrade request or a 101 response on.
	Upgrade bool
}

// ResponseEdit is how AppendResponse changes a parsed response on its way downstream; its
// fields mean what they mean in RequestEdit.
type ResponseEdit struct {
	Remove     []string
	Add        []Field
	Connection string
	Upgrade    bool
}

// AppendRequest appends the head of r, edited by e (nil: no edit), to dst: the request line
// with r's method, the field lines of r in order without the hop-by-hop ones (see
// Headers.HopByHop; Transfer-Encoding is kept because the body is forwarded as received), the
// added fields, and the empty line. r must have been parsed successfully.
func AppendRequest(dst []byte, r *Request, e *RequestEdit) []byte {
	if e == nil {
		e = &RequestEdit{}
	}
	target := r.Target()
	if e.Target != nil {
		target = e.Target
	}
	dst = AppendRequestLine(dst, r.Method(), target)
	if e.Host != nil {
		dst = AppendField(dst, "Host", e.Host)
	}
	k := keeper{remove: e.Remove, upgrade: e.Upgrade, dropHost: e.Host != nil}
	dst = k.appendFields(dst, &r.Header)
	return appendEnd(dst, e.Add, e.Connection)
}

// AppendResponse appends the head of r, edited by e (nil: no edit), to dst: the status line
// with r's status and reason, then fields as AppendRequest does.
func AppendResponse(dst []byte, r *Response, e *ResponseEdit) []byte {
	if e == nil {
		e = &ResponseEdit{}
	}
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(r.Status()), 10)
	dst = append(dst, ' ')
	dst = append(dst, r.Reason()...)
	dst = append(dst, "\r\n"...)
	k := keeper{remove: e.Remove, upgrade: e.Upgrade}
	dst = k.appendFields(dst, &r.Header)
	return appendEnd(dst, e.Add, e.Connection)
}

// keeper decides which received fields are copied.
type keeper struct {
	remove   []string
	upgrade  bool
	dropHost bool
}

func (k *keeper) appendFields(dst []byte, h *Headers) []byte {
	for i := range h.n {
		if k.keep(h, i) {
			name, value := h.At(i)
			dst = appendField(dst, name, value)
		}
	}
	return dst
}

func (k *keeper) keep(h *Headers, i int) bool {
	name := h.Name(i)
	switch {
	case equalFold(name, "transfer-encoding"):
		return true // the body is forwarded with the framing it came with
	case k.upgrade && equalFold(name, "upgrade"):
		return true
	case h.HopByHop(i), k.dropHost && equalFold(name, "host"):
		return false
	}
	for _, r := range k.remove {
		if equalFold(name, r) {
			return false
		}
	}
	return true
}

// appendEnd appends the added fields, the Connection field and the empty line.
func appendEnd(dst []byte, add []Field, connection string) []byte {
	for _, f := range add {
		dst = AppendField(dst, f.Name, f.Value)
	}
	if connection != "" {
		dst = AppendField(dst, "Connection", connection)
	}
	return append(dst, "\r\n"...)
}

// AppendRequestLine appends "method SP target SP HTTP/1.1 CRLF" to dst.
func AppendRequestLine(dst, method, target []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, target...)
	return append(dst, " HTTP/1.1\r\n"...)
}

// AppendStatusLine appends "HTTP/1.1 SP status SP reason CRLF" to dst; an empty reason is
// replaced by StatusText(status).
func AppendStatusLine(dst []byte, status int, reason string) []byte {
	if reason == "" {
		reason = StatusText(status)
	}
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, reason...)
	return append(dst, "\r\n"...)
}

// AppendField appends "name: value CRLF" to dst.
func AppendField[V ~string | ~[]byte](dst []byte, name string, value V) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

func appendField(dst, name, value []byte) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

// AppendContinue appends the interim response "HTTP/1.1 100 Continue" to dst.
func AppendContinue(dst []byte) []byte { return append(dst, "HTTP/1.1 100 Continue\r\n\r\n"...) }
