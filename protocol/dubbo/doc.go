// Package dubbo is Skiff's codec for the Dubbo protocol ("dubbo://", Dubbo 2) with hessian2
// serialization: framing, lazy request decoding for routing, and the frames a proxy writes
// itself (heartbeats, readonly events, error responses).
//
// # Frames
//
// Every frame is a 16-byte header and a body:
//
//	0-1   magic 0xdabb
//	2     flag: 0x80 request, 0x40 two-way, 0x20 event, low 5 bits serialization id (2: hessian2)
//	3     status (responses): 20 OK, 30/31 timeouts, 40 bad request, 60 service not found, ...
//	4-11  request ID, big-endian; a response carries its request's ID
//	12-15 body length, big-endian
//
// ParseHeader checks a header strictly (magic, hessian2 only, no two-way bit on a response,
// body within the limit, 8 MiB by default) and NextFrame cuts whole frames off the front of a
// connection's buffer without copying: it returns nil until a frame is complete, rejects a bad
// magic as soon as its first byte arrives, and takes pipelined frames one at a time. PutID
// rewrites a request's ID in place, which is all a proxy changes when it forwards a frame:
// the body bytes go upstream untouched.
//
// A request body is a sequence of hessian2 values:
//
//	dubbo version, service path, service version, method, parameter descriptors ("Ljava/lang/String;I"),
//	one value per argument, attachments (a map: path, interface, version, group, timeout, ...)
//
// An OK response body is an int kind (0 exception, 1 value, 2 null; 3, 4, 5 the same followed
// by an attachments map, which servers send to clients of Dubbo 2.0.2 and later) and the value;
// the body of any other status is the error message as a string. Events are heartbeats (body
// null; request flag 0xe2, response 0x22) and the readonly event a server sends before it shuts
// down (one-way request 0xa2, body the string "R").
//
// # Decoding lazily
//
// A proxy decodes a request only as far as its routes need, because each step costs more:
//
//   - ParseRequestHead, for every request: the five leading strings as sub-slices of the body,
//     with its own hessian2 string reader. It does not allocate and takes well under a
//     microsecond.
//   - DecodeArguments, only when a route matches on argument values: decodes the arguments with
//     dubbo-go-hessian2.
//   - DecodeAttachments, only when a route or filter needs an attachment (group, a header match):
//     the attachments come after the arguments, which have no length prefix, so reaching them
//     means walking every argument. This package walks them with its own skipper, without
//     decoding, and then reads the map's string entries.
//
// Strings are read as they are on the wire: lengths count UTF-16 units; Java (and
// dubbo-go-hessian2) writes a character outside the BMP as a CESU-8 surrogate pair, which
// ParseRequestHead leaves as it is and DecodeAttachments turns into UTF-8. A string in chunks
// cannot be a sub-slice, so ParseRequestHead rejects one; path, version and method are never
// that long (4096 characters and more).
//
// # Untrusted input
//
// Nothing here panics on any input, and every length a peer sends is checked against the bytes
// that are there before anything is allocated for it. dubbo-go-hessian2 does neither: it
// allocates whatever a list or class length says (an unrecoverable out-of-memory crash) and
// panics on some well-formed values it cannot map to Go types. So it only ever sees values the
// skipper has checked, and the one call into it recovers a panic into an error (see
// decodeValues); the package's own code never recovers.
//
// The encoders (AppendRequest, AppendResponse) use dubbo-go-hessian2 and produce what a
// dubbo-go peer sends, with the attachments in key order; they are for tests, benchmarks and
// tools. Nothing in this package is tied to a goroutine: values are not shared, and buffers
// belong to the caller.
package dubbo
