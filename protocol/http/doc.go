// Package http is Skiff's HTTP/1.1 codec for event-loop connections: an incremental parser for
// request and response heads (RFC 9112), a body decoder that finds where Content-Length,
// chunked and until-close bodies end, and an encoder that writes edited heads, chunks and local
// replies into a caller's buffer.
//
// # Why not net/http
//
// net/http's parser reads from a bufio.Reader and blocks until a head is complete, which needs
// a goroutine per connection; Skiff's event loops hand over whatever bytes arrived and cannot
// wait. It also allocates on every request (the Request, a Header map, a string per field,
// canonicalised names) and is lenient where a proxy must not be: it lets Transfer-Encoding win
// over Content-Length, accepts bare LF line endings, and more (see the differential test and
// its list of intended differences). A proxy that forwards what one parser accepted to a server
// whose parser reads it differently is open to request smuggling, so this parser rejects
// ambiguous messages instead of interpreting them. fasthttp parses from a byte slice but needs
// the whole head at once, copies it into its own buffers and normalises names; it also comes
// with its own server and client. Envoy and nginx use hand-written incremental parsers of this
// kind for the same reasons.
//
// # Parsing and buffer ownership
//
// Request.Parse and Response.Parse take the bytes received so far and return how many the head
// took, or ErrNeedMore. They keep offsets only until the head is complete, so between calls the
// caller may move or grow its buffer, as long as the bytes already given keep their values and
// stay at the front. Once Parse returns nil, every accessor (Method, Target, Header.Get, ...)
// returns a view into the buffer of the last Parse (or Rebase) call: no copy is made. The caller
// owns that buffer and must keep buf[:n] unchanged for as long as it uses the head, and must not
// use the views after reusing it (copy the head elsewhere and call Rebase to keep it longer).
// The views are read-only. Reset drops them.
//
// Body.Parse consumes the body bytes that follow the head and keeps no reference to them: the
// caller forwards buf[:n] as received (chunk framing and trailers included) and discards it.
//
// Nothing in this package allocates on the steady-state path, and no value is safe for
// concurrent use: a connection's Request, Response and Body belong to its event loop.
//
// # Strictness
//
// Each rule a message can break has its own *Error value (ErrBareLF, ErrObsFold,
// ErrContentLengthWithTransferEncoding, ...) so the proxy can count them; StatusCode maps an
// error to the status to answer with (400, 413, 431, 501 or 505). Heads must use CRLF, field
// lines must not be folded, names must be tokens with no space before the colon, values must
// not contain control characters, Content-Length values must agree, Content-Length and
// Transfer-Encoding must not be combined, chunked must be the final transfer coding of a
// request (and the only one: others get 501), and HTTP/1.1 requests need exactly one valid Host.
//
// # Forwarding
//
// A proxy re-encodes heads with AppendRequest and AppendResponse: hop-by-hop fields (RFC 9110
// 7.6.1, and the fields a Connection field names) are dropped, RequestEdit rewrites the target
// and Host and adds or removes fields. Bodies keep their framing: Content-Length and
// Transfer-Encoding are copied and the body bytes are forwarded unchanged.
package http
