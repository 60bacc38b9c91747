package http

import "errors"

// ErrNeedMore is returned by the parsers and the body decoder when the bytes given so far are a
// valid prefix and more are needed. It is not a protocol error: feed more bytes and call again.
var ErrNeedMore = errors.New("http: need more data")

// Error is a protocol error: the peer sent something this package rejects. Each distinct rule
// has its own *Error value, so callers can compare with errors.Is (or ==) and count them, and
// Status says which status code a server answers with.
type Error struct {
	msg    string
	status int
}

func (e *Error) Error() string { return e.msg }

// Status is the status code a server answers a request that broke this rule with: 400, 413,
// 431, 501 or 505. A proxy that gets the error from an upstream response answers 502 instead.
func (e *Error) Status() int { return e.status }

func newError(status int, msg string) *Error { return &Error{msg: "http: " + msg, status: status} }

// StatusCode returns the status code for err: the Status of the *Error in err's chain, or 0 for
// nil, ErrNeedMore and errors from elsewhere. It does not allocate.
func StatusCode(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.status
	}
	return 0
}

// Head errors.
var (
	ErrBareLF              = newError(400, "bare LF where CRLF is required")
	ErrObsFold             = newError(400, "obsolete line folding")
	ErrInvalidRequestLine  = newError(400, "malformed request line")
	ErrInvalidMethod       = newError(400, "invalid character in method")
	ErrInvalidTarget       = newError(400, "invalid request-target")
	ErrInvalidVersion      = newError(400, "malformed HTTP version")
	ErrVersionNotSupported = newError(505, "HTTP version not supported")
	ErrInvalidStatusLine   = newError(400, "malformed status line")
	ErrInvalidHeaderName   = newError(400, "invalid character in field name")
	ErrInvalidHeaderValue  = newError(400, "invalid character in field value")
	ErrSpaceBeforeColon    = newError(400, "whitespace between field name and colon")
	ErrHeadTooLarge        = newError(431, "head too large")
	ErrTooManyHeaders      = newError(431, "too many header fields")
	ErrMissingHost         = newError(400, "missing Host field in HTTP/1.1 request")
	ErrInvalidHost         = newError(400, "invalid or repeated Host field")
)

// Framing errors: Content-Length and Transfer-Encoding.
var (
	ErrInvalidContentLength              = newError(400, "invalid Content-Length")
	ErrConflictingContentLength          = newError(400, "conflicting Content-Length values")
	ErrContentLengthWithTransferEncoding = newError(400, "both Content-Length and Transfer-Encoding")
	ErrInvalidTransferEncoding           = newError(400, "invalid Transfer-Encoding")
	ErrUnsupportedTransferEncoding       = newError(501, "unsupported transfer coding")
)

// Body errors.
var (
	ErrBadChunkSize      = newError(400, "invalid chunk size")
	ErrBadChunkExtension = newError(400, "invalid or oversized chunk extension")
	ErrBadChunkDelimiter = newError(400, "missing CRLF after chunk data")
	ErrInvalidTrailer    = newError(400, "invalid trailer field")
	ErrTrailerTooLarge   = newError(431, "trailer section too large")
	ErrBodyTooLarge      = newError(413, "body too large")
	ErrTruncatedBody     = newError(400, "connection closed before the end of the body")
)
