package http

// BodyKind says how the end of a message body is found (RFC 9112 6.3).
type BodyKind uint8

// Body kinds.
const (
	// BodyNone: no body follows the head (no framing fields, Content-Length: 0, or a response
	// that cannot have one: 1xx, 204, 304, to HEAD, 2xx to CONNECT).
	BodyNone BodyKind = iota
	// BodyLength: exactly Framing.Length bytes follow (Content-Length).
	BodyLength
	// BodyChunked: the chunked transfer coding, ending with the last chunk and trailer section.
	BodyChunked
	// BodyUntilClose: a response body that ends when the server closes the connection.
	BodyUntilClose
)

func (k BodyKind) String() string {
	switch k {
	case BodyNone:
		return "none"
	case BodyLength:
		return "length"
	case BodyChunked:
		return "chunked"
	case BodyUntilClose:
		return "until-close"
	}
	return "unknown"
}

// Framing is how a message's body is delimited, as decided from its head.
type Framing struct {
	Kind   BodyKind
	Length int64 // the body size when Kind is BodyLength (always > 0 then)
}

// requestFraming decides the framing of a request from its fields (RFC 9112 6.1, 6.3).
// Strictness beyond the RFC's MUSTs: Content-Length with Transfer-Encoding is rejected rather
// than letting chunked win, because a proxy that forwards such a request invites smuggling.
func requestFraming(f *facts, minor int) (Framing, error) {
	switch {
	case f.te.present && f.hasLength:
		return Framing{}, ErrContentLengthWithTransferEncoding
	case f.te.present && minor == 0:
		return Framing{}, ErrInvalidTransferEncoding // RFC 9112 6.1: faulty framing in HTTP/1.0
	case f.te.present && !f.te.lastChunked:
		return Framing{}, ErrInvalidTransferEncoding // RFC 9112 6.3: 400 and close
	case f.te.present && f.te.other:
		return Framing{}, ErrUnsupportedTransferEncoding // RFC 9112 6.1: 501
	case f.te.present:
		return Framing{Kind: BodyChunked}, nil
	case f.contentLength > 0:
		return Framing{Kind: BodyLength, Length: f.contentLength}, nil
	}
	return Framing{}, nil
}

// responseFraming decides the framing of a response with the given status to a request of the
// given kind (RFC 9112 6.3). Transfer codings before chunked are passed through untouched.
func responseFraming(f *facts, minor, status int, req requestKind) (Framing, error) {
	switch {
	case f.te.present && f.hasLength:
		return Framing{}, ErrContentLengthWithTransferEncoding
	case f.te.present && minor == 0:
		return Framing{}, ErrInvalidTransferEncoding
	case status < 200 || status == 204 || status == 304 || req == requestHead:
		return Framing{}, nil
	case req == requestConnect && status < 300:
		return Framing{}, nil
	case f.te.present && f.te.lastChunked:
		return Framing{Kind: BodyChunked}, nil
	case f.te.present:
		return Framing{Kind: BodyUntilClose}, nil
	case f.contentLength > 0:
		return Framing{Kind: BodyLength, Length: f.contentLength}, nil
	case f.hasLength:
		return Framing{}, nil
	}
	return Framing{Kind: BodyUntilClose}, nil
}
