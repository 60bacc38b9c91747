package route

// Request is what routing reads of a request. The HTTP connection manager implements it over its
// parsed request head; the byte slices may point into its read buffer. Routing only reads them,
// never keeps them past the call that received them, and never modifies them.
//
// Every method must be cheap and must not allocate: routing calls them on every request.
type Request interface {
	// Authority returns the request's authority: the Host header of HTTP/1.1, or the authority of
	// an absolute request target. Empty when there is none.
	Authority() []byte
	// Path returns the path of the request target without the query and the fragment.
	Path() []byte
	// Query returns the raw query string of the request target, without the '?'; empty when there
	// is none. It is not percent-decoded.
	Query() []byte
	// Method returns the request method, such as "GET".
	Method() []byte
	// Header returns the value of the header whose lower-case name is lowerName and whether the
	// request has it. A header that appears more than once must be returned as its values joined
	// with "," in order (what Envoy matches against). Routing also asks for the pseudo-headers
	// ":scheme" ("http" or "https") and ":path" (the request target's path with its query, as
	// received); ":method" and ":authority" are read through Method and Authority instead.
	Header(lowerName string) ([]byte, bool)
}
