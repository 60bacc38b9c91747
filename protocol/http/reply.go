package http

import "strconv"

// Reply is a response the proxy generates itself (a local reply: 400 for a bad request, 429 from
// the rate limiter, 503 without an upstream, ...).
type Reply struct {
	Status int    // the status code
	Reason string // the reason phrase; "" means StatusText(Status)
	// ContentType is sent as Content-Type when not empty.
	ContentType string
	// Fields are added after Content-Type.
	Fields []Field
	// Body is sent with its Content-Length.
	Body []byte
	// Close adds "Connection: close": the proxy closes the connection after the reply.
	Close bool
	// HeadOnly is for a reply to HEAD: Content-Length of Body is sent, Body is not.
	HeadOnly bool
}

// AppendReply appends the whole reply, head and body, to dst. A 1xx, 204 or 304 status gets
// neither Content-Length nor body (RFC 9110 8.6).
func AppendReply(dst []byte, r *Reply) []byte {
	dst = AppendStatusLine(dst, r.Status, r.Reason)
	bodiless := r.Status < 200 || r.Status == 204 || r.Status == 304
	if !bodiless {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, int64(len(r.Body)), 10)
		dst = append(dst, "\r\n"...)
	}
	if r.ContentType != "" {
		dst = AppendField(dst, "Content-Type", r.ContentType)
	}
	for _, f := range r.Fields {
		dst = AppendField(dst, f.Name, f.Value)
	}
	if r.Close {
		dst = append(dst, "Connection: close\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	if bodiless || r.HeadOnly {
		return dst
	}
	return append(dst, r.Body...)
}
