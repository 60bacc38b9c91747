package route

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// Redirect is a compiled redirect action: the route answers with Status and a Location header.
type Redirect struct {
	// Status is response_code: 301 (the default), 302, 303, 307 or 308.
	Status int
	// Scheme is scheme_redirect, or "https" for https_redirect; empty keeps the request's scheme.
	Scheme string
	// Host is host_redirect; empty keeps the request's host.
	Host string
	// Port is port_redirect; 0 keeps the port of the request's host (see AppendLocation).
	Port uint32
	// Path is path_redirect; empty keeps the request's path. When it has a query, that query
	// replaces the request's and StripQuery does not apply.
	Path string
	// PrefixRewrite is prefix_rewrite: the matched prefix of the path is replaced by it.
	PrefixRewrite string
	// RegexRewrite is regex_rewrite; nil when not set.
	RegexRewrite *RegexRewrite
	// StripQuery drops the request's query from the location.
	StripQuery bool

	port         string // ":<Port>" or ""
	pathHasQuery bool
	rewrite      pathRewrite
}

// AppendLocation appends the Location of the redirect for req to dst, built as Envoy's
// Utility::newUri: scheme "://" host port path. The scheme is Scheme, else the request's
// ":scheme" header, else "http". Without Host the request's authority is used, minus its port
// when Port is set, or when the scheme changes away from the request's protocol
// (x-forwarded-proto, else ":scheme") and the port was that protocol's default (:80 for http,
// :443 for https). The path is Path, else the request's path with the rewrite applied; the
// request's query follows unless StripQuery is set or Path carries its own query. A path without
// a leading '/' gets one.
//
// It allocates only to grow dst, plus what regexp needs for a RegexRewrite.
func (r *Redirect) AppendLocation(dst []byte, req Request) []byte {
	reqScheme, ok := req.Header(":scheme")
	if !ok || len(reqScheme) == 0 {
		reqScheme = []byte("http")
	}
	if r.Scheme != "" {
		dst = append(dst, r.Scheme...)
	} else {
		dst = append(dst, reqScheme...)
	}
	dst = append(dst, "://"...)
	if r.Host != "" {
		dst = append(dst, r.Host...)
	} else {
		dst = r.appendRequestHost(dst, req, reqScheme)
	}
	dst = append(dst, r.port...)
	return r.appendPath(dst, req)
}

// appendRequestHost appends the request's authority, without its port when Envoy's
// processRequestHost drops it.
func (r *Redirect) appendRequestHost(dst []byte, req Request, reqScheme []byte) []byte {
	host := req.Authority()
	end := -1
	if len(host) > 0 && host[0] == '[' {
		if i := bytes.LastIndex(host, []byte("]:")); i >= 0 {
			end = i + 1
		}
	} else {
		end = bytes.LastIndexByte(host, ':')
	}
	if end < 0 {
		return append(dst, host...)
	}
	proto, ok := req.Header("x-forwarded-proto")
	if !ok {
		proto = reqScheme
	}
	sameScheme := string(reqScheme) == string(proto)
	if r.Scheme != "" {
		sameScheme = r.Scheme == string(proto)
	}
	port := host[end:]
	remove := r.port != ""
	if !remove && !sameScheme {
		remove = (string(proto) == "https" && string(port) == ":443") ||
			(string(proto) == "http" && string(port) == ":80")
	}
	if remove {
		host = host[:end]
	}
	return append(dst, host...)
}

// appendPath appends the path and query of the location.
func (r *Redirect) appendPath(dst []byte, req Request) []byte {
	start := len(dst)
	switch {
	case r.Path != "":
		dst = append(dst, r.Path...)
	default:
		var ok bool
		if dst, ok = r.rewrite.apply(dst, req.Path()); !ok {
			dst = append(dst, req.Path()...)
		}
	}
	if len(dst) == start || dst[start] != '/' {
		dst = slices.Insert(dst, start, '/')
	}
	if r.pathHasQuery || r.StripQuery {
		return dst
	}
	if q := req.Query(); len(q) > 0 {
		dst = append(dst, '?')
		dst = append(dst, q...)
	}
	return dst
}

// redirectStatus maps response_code to the HTTP status.
var redirectStatus = map[routev3.RedirectAction_RedirectResponseCode]int{
	routev3.RedirectAction_MOVED_PERMANENTLY:  301,
	routev3.RedirectAction_FOUND:              302,
	routev3.RedirectAction_SEE_OTHER:          303,
	routev3.RedirectAction_TEMPORARY_REDIRECT: 307,
	routev3.RedirectAction_PERMANENT_REDIRECT: 308,
}

// compileRedirect compiles the RedirectAction at path for a route whose match is m.
func compileRedirect(probs *problems, path string, ra *routev3.RedirectAction, m *routeMatch) *Redirect {
	r := &Redirect{
		Host:          ra.GetHostRedirect(),
		Port:          ra.GetPortRedirect(),
		Path:          ra.GetPathRedirect(),
		PrefixRewrite: ra.GetPrefixRewrite(),
		StripQuery:    ra.GetStripQuery(),
	}
	switch {
	case ra.GetSchemeRedirect() != "":
		r.Scheme = ra.GetSchemeRedirect()
	case ra.GetHttpsRedirect():
		r.Scheme = "https"
	}
	if r.Port > 65535 {
		probs.Addf(joinPath(path, "port_redirect"), "%d is not a port", r.Port)
	}
	if r.Port != 0 {
		r.port = ":" + strconv.FormatUint(uint64(r.Port), 10)
	}
	r.pathHasQuery = strings.Contains(r.Path, "?")
	var ok bool
	if r.Status, ok = redirectStatus[ra.GetResponseCode()]; !ok {
		probs.Addf(joinPath(path, "response_code"), "unknown value %d", ra.GetResponseCode())
	}
	r.rewrite = compilePathRewrite(probs, path, m, r.PrefixRewrite, ra.GetRegexRewrite())
	r.RegexRewrite = r.rewrite.regex
	return r
}
