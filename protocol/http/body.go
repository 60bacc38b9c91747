package http

// Body is an incremental body decoder: it finds where a message body ends in the bytes that
// follow the head, without copying them, so a proxy can forward the raw bytes (chunk framing
// and trailers included) and know when the next message starts. It also reports the payload
// bytes (chunk data) for callers that need them. It never allocates.
//
// Use: Reset with the head's Framing, then call Parse (or Next) with whatever has arrived; the
// bytes it consumes belong to the body and may be forwarded and discarded at once (Body keeps
// no reference to them). Call EOF when the connection closes. A Body is not safe for concurrent
// use; the zero value is a complete empty body.
type Body struct {
	// MaxTrailerBytes bounds the trailer section of a chunked body, its final CRLF included;
	// a longer one fails with ErrTrailerTooLarge. 0 means DefaultMaxHeadBytes. Reset keeps it.
	MaxTrailerBytes int

	kind  BodyKind
	limit int64 // most payload bytes allowed, 0: no limit
	total int64 // payload bytes so far (counted when limit > 0)
	left  int64 // BodyLength: bytes left; BodyChunked: bytes left of the current chunk's data
	chunk chunkParser
	open  bool  // the body has not ended
	err   error // sticky protocol error
}

// Reset prepares b for the body of a message with the given framing. limit, when > 0, is the
// most payload bytes allowed (Envoy's max_request_bytes): a Content-Length above it fails at
// once, a chunked or until-close body fails with ErrBodyTooLarge (413) when it passes it.
// Reset returns the same error Parse would.
func (b *Body) Reset(f Framing, limit int64) error {
	*b = Body{MaxTrailerBytes: b.MaxTrailerBytes, kind: f.Kind, limit: max(limit, 0), left: f.Length}
	b.open = f.Kind != BodyNone && (f.Kind != BodyLength || f.Length > 0)
	if b.limit > 0 && f.Kind == BodyLength && f.Length > b.limit {
		b.err = ErrBodyTooLarge
	}
	return b.err
}

// Done reports whether the whole body has been consumed: the next message (if any) starts at
// the first byte not consumed.
func (b *Body) Done() bool { return !b.open }

// Kind returns the framing kind given to Reset.
func (b *Body) Kind() BodyKind { return b.kind }

// Parse consumes body bytes at the start of buf and returns how many: buf[:n] is body, to be
// forwarded as is. err is nil when the body ended at buf[n] (Done), ErrNeedMore when all of buf
// was body and more is expected (n == len(buf)), or an *Error after which the connection cannot
// be used (buf[:n] were valid body bytes before the error).
func (b *Body) Parse(buf []byte) (n int, err error) {
	for {
		k, _, err := b.Next(buf[n:])
		n += k
		if err != nil || !b.open {
			return n, err
		}
	}
}

// Next is Parse one step at a time for callers that need the payload: it consumes framing bytes
// and at most one run of payload bytes, and returns data, that run (a sub-slice of buf[:n],
// possibly empty). err is as for Parse, except that err == nil with !Done() means bytes of
// buf remain to be given to Next.
func (b *Body) Next(buf []byte) (n int, data []byte, err error) {
	switch {
	case b.err != nil:
		return 0, nil, b.err
	case !b.open:
		return 0, nil, nil
	}
	switch b.kind {
	case BodyLength:
		k := int(min(int64(len(buf)), b.left))
		b.left -= int64(k)
		b.open = b.left > 0
		return k, buf[:k:k], b.needMore(k, buf)
	case BodyUntilClose:
		if b.limit > 0 && int64(len(buf)) > b.limit-b.total {
			b.err = ErrBodyTooLarge
			return 0, nil, b.err
		}
		b.total += int64(len(buf))
		return len(buf), buf, ErrNeedMore
	}
	n, data, err = b.nextChunked(buf)
	if err != nil && err != ErrNeedMore {
		b.err = err
	}
	return n, data, err
}

// needMore is the error for having consumed buf[:n].
func (b *Body) needMore(n int, buf []byte) error {
	if b.open && n == len(buf) {
		return ErrNeedMore
	}
	return nil
}

// EOF tells b that the connection was closed after every received byte was given to Parse or
// Next. It returns nil if the body is complete (an until-close body is, and is Done after
// EOF), else ErrTruncatedBody (or the earlier protocol error).
func (b *Body) EOF() error {
	switch {
	case b.err != nil:
		return b.err
	case b.kind == BodyUntilClose:
		b.open = false
	case b.open:
		b.err = ErrTruncatedBody
	}
	return b.err
}
