package server

import "bytes"

// The plaintext side of http_inspector: HTTP/1.x from the request line, HTTP/2 with prior
// knowledge from the connection preface. It reads the first bytes without consuming them.

// httpResult says whether the first bytes decide the question.
type httpResult uint8

const (
	httpMore httpResult = iota // could still be HTTP: read more
	httpDone                   // decided (the protocol is "" when it is not HTTP)
)

// h2Preface is the HTTP/2 client connection preface (RFC 9113 section 3.4).
const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// maxMethod bounds the request method: longer tokens are not taken as HTTP.
const maxMethod = 24

// sniffHTTP returns "http/1.1", "http/1.0" or "h2c" when buf starts like that protocol, "" when
// it cannot be HTTP, and httpMore when buf is too short to tell.
func sniffHTTP(buf []byte) (string, httpResult) {
	n := min(len(buf), len(h2Preface))
	if n > 0 && string(buf[:n]) == h2Preface[:n] {
		if n == len(h2Preface) {
			return "h2c", httpDone
		}
		return "", httpMore
	}
	line, complete := buf, false
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		line, complete = bytes.TrimSuffix(buf[:i], []byte{'\r'}), true
	}
	sp := bytes.IndexByte(line, ' ')
	method := line
	if sp >= 0 {
		method = line[:sp]
	}
	if !isMethod(method) || (sp < 0 && len(method) > maxMethod) || (sp == 0) {
		return "", httpDone
	}
	if !complete {
		return "", httpMore
	}
	rest := line[sp+1:]
	target, version, ok := bytes.Cut(rest, []byte{' '})
	if sp < 0 || !ok || len(target) == 0 {
		return "", httpDone
	}
	switch string(version) {
	case "HTTP/1.1":
		return "http/1.1", httpDone
	case "HTTP/1.0":
		return "http/1.0", httpDone
	}
	return "", httpDone
}

// isMethod reports whether b can be (the start of) a request method: upper-case letters, '-' and
// '_', at most maxMethod of them.
func isMethod(b []byte) bool {
	if len(b) > maxMethod {
		return false
	}
	for _, c := range b {
		if (c < 'A' || c > 'Z') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}
