// Package accesslog writes Envoy-style access logs: a format of %OPERATOR%
// commands compiled once, rendered on the event loop into a reused buffer,
// and written to a file or stdout by one goroutine per destination, so no
// event loop ever blocks on I/O.
package accesslog

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultFormat is Envoy's default access log format.
const DefaultFormat = `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ` +
	`%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ` +
	`%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ` +
	`"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"` + "\n"

// Entry is what an access log line can show about one request or
// connection. Implementations must not allocate.
type Entry interface {
	StartTime() time.Time
	// RequestHeader returns a request header by lower-case name; the
	// pseudo-headers :method, :path, :authority and :scheme work too.
	RequestHeader(name string) ([]byte, bool)
	ResponseHeader(name string) ([]byte, bool)
	Protocol() string
	ResponseCode() int
	// ResponseFlags are Envoy's short flags (UH, UF, UO, NR, UT, ...), "-" for none.
	ResponseFlags() string
	ResponseCodeDetails() string
	BytesReceived() int64
	BytesSent() int64
	Duration() time.Duration
	AppendUpstreamHost(dst []byte) []byte
	UpstreamCluster() string
	AppendDownstreamRemote(dst []byte) []byte
	AppendDownstreamLocal(dst []byte) []byte
	RouteName() string
}

type opKind uint8

const (
	opLiteral opKind = iota
	opStartTime
	opReq
	opResp
	opProtocol
	opResponseCode
	opResponseFlags
	opResponseCodeDetails
	opBytesReceived
	opBytesSent
	opDuration
	opUpstreamHost
	opUpstreamCluster
	opDownstreamRemote
	opDownstreamRemoteNoPort
	opDownstreamLocal
	opRouteName
)

var simpleOps = map[string]opKind{
	"START_TIME": opStartTime, "PROTOCOL": opProtocol, "RESPONSE_CODE": opResponseCode,
	"RESPONSE_FLAGS": opResponseFlags, "RESPONSE_CODE_DETAILS": opResponseCodeDetails,
	"BYTES_RECEIVED": opBytesReceived, "BYTES_SENT": opBytesSent, "DURATION": opDuration,
	"UPSTREAM_HOST": opUpstreamHost, "UPSTREAM_CLUSTER": opUpstreamCluster,
	"DOWNSTREAM_REMOTE_ADDRESS": opDownstreamRemote, "DOWNSTREAM_LOCAL_ADDRESS": opDownstreamLocal,
	"DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT": opDownstreamRemoteNoPort, "ROUTE_NAME": opRouteName,
}

type segment struct {
	kind   opKind
	text   string // literal text
	name   string // REQ/RESP header (lower case)
	alt    string // REQ(X?Y) alternative
	maxLen int    // :N suffix, 0 = none
}

// Format is a compiled access log format. It is immutable.
type Format struct{ segs []segment }

// Compile parses an Envoy format string.
func Compile(s string) (*Format, error) {
	f := &Format{}
	for len(s) > 0 {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			f.segs = append(f.segs, segment{kind: opLiteral, text: s})
			break
		}
		if i > 0 {
			f.segs = append(f.segs, segment{kind: opLiteral, text: s[:i]})
		}
		s = s[i+1:]
		if strings.HasPrefix(s, "%") { // "%%" is a literal percent
			f.segs = append(f.segs, segment{kind: opLiteral, text: "%"})
			s = s[1:]
			continue
		}
		j := strings.IndexByte(s, '%')
		if j < 0 {
			return nil, fmt.Errorf("accesslog: unterminated %%%s", s)
		}
		seg, err := compileOp(s[:j])
		if err != nil {
			return nil, err
		}
		f.segs = append(f.segs, seg)
		s = s[j+1:]
	}
	return f, nil
}

func compileOp(op string) (segment, error) {
	var seg segment
	if k := strings.LastIndexByte(op, ':'); k > 0 && strings.HasSuffix(op[:k], ")") {
		n, err := strconv.Atoi(op[k+1:])
		if err != nil || n <= 0 {
			return seg, fmt.Errorf("accesslog: %%%s%%: bad length", op)
		}
		seg.maxLen, op = n, op[:k]
	}
	if k, ok := simpleOps[op]; ok {
		seg.kind = k
		return seg, nil
	}
	for prefix, kind := range map[string]opKind{"REQ(": opReq, "RESP(": opResp} {
		if arg, ok := strings.CutPrefix(op, prefix); ok && strings.HasSuffix(arg, ")") {
			arg = strings.ToLower(strings.TrimSuffix(arg, ")"))
			seg.kind = kind
			seg.name, seg.alt, _ = strings.Cut(arg, "?")
			return seg, nil
		}
	}
	return seg, fmt.Errorf("accesslog: %%%s%% is not supported", op)
}

// Append renders e with the format onto dst.
func (f *Format) Append(dst []byte, e Entry) []byte {
	for i := range f.segs {
		s := &f.segs[i]
		start := len(dst)
		dst = s.append(dst, e)
		if s.maxLen > 0 && len(dst)-start > s.maxLen {
			dst = dst[:start+s.maxLen]
		}
	}
	return dst
}

func (s *segment) append(dst []byte, e Entry) []byte {
	switch s.kind {
	case opLiteral:
		return append(dst, s.text...)
	case opStartTime:
		return e.StartTime().UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z")
	case opReq, opResp:
		v, ok := header(e, s.kind, s.name)
		if !ok && s.alt != "" {
			v, ok = header(e, s.kind, s.alt)
		}
		return orDash(dst, v, ok)
	case opProtocol:
		return append(dst, e.Protocol()...)
	case opResponseCode:
		return strconv.AppendInt(dst, int64(e.ResponseCode()), 10)
	case opResponseFlags:
		return append(dst, e.ResponseFlags()...)
	case opResponseCodeDetails:
		return appendOrDash(dst, e.ResponseCodeDetails())
	case opBytesReceived:
		return strconv.AppendInt(dst, e.BytesReceived(), 10)
	case opBytesSent:
		return strconv.AppendInt(dst, e.BytesSent(), 10)
	case opDuration:
		return strconv.AppendInt(dst, e.Duration().Milliseconds(), 10)
	case opUpstreamHost:
		return dashIfEmpty(dst, e, opUpstreamHost)
	case opUpstreamCluster:
		return appendOrDash(dst, e.UpstreamCluster())
	case opDownstreamRemote:
		return dashIfEmpty(dst, e, opDownstreamRemote)
	case opDownstreamRemoteNoPort:
		n := len(dst)
		dst = dashIfEmpty(dst, e, opDownstreamRemote)
		if k := bytes.LastIndexByte(dst[n:], ':'); k > 0 {
			host := dst[n : n+k]
			if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
				copy(dst[n:], host[1:len(host)-1])
				return dst[:n+len(host)-2]
			}
			dst = dst[:n+k]
		}
		return dst
	case opDownstreamLocal:
		return dashIfEmpty(dst, e, opDownstreamLocal)
	case opRouteName:
		return appendOrDash(dst, e.RouteName())
	}
	return dst
}

func orDash(dst, v []byte, ok bool) []byte {
	if !ok || len(v) == 0 {
		return append(dst, '-')
	}
	return append(dst, v...)
}

func appendOrDash(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '-')
	}
	return append(dst, s...)
}

func dashIfEmpty(dst []byte, e Entry, k opKind) []byte {
	n := len(dst)
	switch k {
	case opUpstreamHost:
		dst = e.AppendUpstreamHost(dst)
	case opDownstreamRemote:
		dst = e.AppendDownstreamRemote(dst)
	default:
		dst = e.AppendDownstreamLocal(dst)
	}
	if len(dst) == n {
		dst = append(dst, '-')
	}
	return dst
}

// header reads a request or response header (no method value: that would
// allocate a closure per call).
func header(e Entry, k opKind, name string) ([]byte, bool) {
	if k == opResp {
		return e.ResponseHeader(name)
	}
	return e.RequestHeader(name)
}
