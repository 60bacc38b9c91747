package http

import "bytes"

// TargetForm is the form of a request-target (RFC 9112 3.2).
type TargetForm uint8

// Request-target forms.
const (
	OriginForm    TargetForm = iota // "/path?query": the usual form
	AbsoluteForm                    // "http://host/path?query": requests to a forward proxy
	AuthorityForm                   // "host:port": CONNECT only
	AsteriskForm                    // "*": OPTIONS only
)

// parsedTarget locates the parts of a request-target, as offsets into it.
type parsedTarget struct {
	form      TargetForm
	authEnd   int // authority is target[authOff:authEnd] (absolute and authority form)
	authOff   int
	pathOff   int // path and query start here (len(target) when absent)
	queryOff  int // offset of '?', -1: none
	targetLen int
}

// parseTarget checks the request-target t of a request with the given method. Rules beyond
// RFC 9112: '#' (a fragment) and bytes outside visible ASCII are rejected, '%' must start a
// valid escape, absolute-form must be hierarchical ("scheme://authority...") without userinfo,
// CONNECT needs authority-form with a port, "*" is for OPTIONS only.
func parseTarget(method, t []byte) (parsedTarget, error) {
	p := parsedTarget{queryOff: -1, targetLen: len(t)}
	switch {
	case string(method) == "CONNECT":
		if !validHostPort(t, true) {
			return p, ErrInvalidTarget
		}
		p.form, p.authEnd, p.pathOff = AuthorityForm, len(t), len(t)
		return p, nil
	case t[0] == '/':
		p.form = OriginForm
	case len(t) == 1 && t[0] == '*':
		if string(method) != "OPTIONS" {
			return p, ErrInvalidTarget
		}
		p.form, p.pathOff = AsteriskForm, len(t)
		return p, nil
	default:
		if !p.absolute(t) {
			return p, ErrInvalidTarget
		}
	}
	if !validPathQuery(t[p.pathOff:]) {
		return p, ErrInvalidTarget
	}
	if q := bytes.IndexByte(t[p.pathOff:], '?'); q >= 0 {
		p.queryOff = p.pathOff + q
	}
	return p, nil
}

// absolute parses "scheme://authority" at the start of t and sets the form and offsets.
func (p *parsedTarget) absolute(t []byte) bool {
	i := 0
	for i < len(t) && is(t[i], classScheme) {
		i++
	}
	if i == 0 || !isAlpha(t[0]) || len(t)-i < 3 || string(t[i:i+3]) != "://" {
		return false
	}
	p.authOff = i + 3
	end := p.authOff
	for end < len(t) && t[end] != '/' && t[end] != '?' {
		end++
	}
	auth := t[p.authOff:end]
	if len(auth) == 0 || bytes.IndexByte(auth, '@') >= 0 || !validHostPort(auth, false) {
		return false
	}
	p.form, p.authEnd, p.pathOff = AbsoluteForm, end, end
	return true
}

// validPathQuery checks path and query characters: visible ASCII but '#', and valid escapes.
func validPathQuery(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !is(c, classTarget) {
			return false
		}
		if c == '%' {
			if i+2 >= len(b) || !is(b[i+1], classHex) || !is(b[i+2], classHex) {
				return false
			}
			i += 2
		}
	}
	return true
}

// validHostPort checks uri-host [ ":" port ] (RFC 3986 3.2.2): an IP literal in brackets or a
// reg-name (which covers IPv4), and a port of at most 5 digits, not empty if needPort.
// An empty value is valid unless needPort (an HTTP/1.1 Host field may be empty).
func validHostPort(v []byte, needPort bool) bool {
	if len(v) == 0 {
		return !needPort
	}
	literal := v[0] == '['
	host, port := v, []byte(nil)
	if literal {
		end := bytes.IndexByte(v, ']')
		if end < 0 || !validIPLiteral(v[1:end]) {
			return false
		}
		host, v = nil, v[end+1:]
		if len(v) > 0 && v[0] != ':' {
			return false
		}
		if len(v) > 0 {
			port = v[1:]
		}
	} else if i := bytes.IndexByte(v, ':'); i >= 0 {
		host, port = v[:i], v[i+1:]
	}
	for _, c := range host {
		if !is(c, classHost) {
			return false
		}
	}
	if (needPort && len(port) == 0) || len(port) > 5 {
		return false
	}
	for _, c := range port {
		if !isDigit(c) {
			return false
		}
	}
	return literal || len(host) > 0
}

// validIPLiteral loosely checks the inside of "[...]": hex digits, ':' and '.'.
func validIPLiteral(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	for _, c := range b {
		if !is(c, classHex) && c != ':' && c != '.' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return lower(c) >= 'a' && lower(c) <= 'z' }
