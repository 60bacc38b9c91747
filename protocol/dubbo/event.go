package dubbo

// Event bodies: a heartbeat carries hessian null, a readonly event the hessian string "R"
// (Java Dubbo's READONLY_EVENT), sent by a server that is shutting down so that clients stop
// sending it new calls.
const (
	heartbeatBody = "N"
	readonlyBody  = "\x01R"
)

// AppendHeartbeatRequest appends a heartbeat request (flag 0xe2: request, two-way, event,
// hessian2) with body null.
func AppendHeartbeatRequest(dst []byte, id uint64) []byte {
	dst = appendHeader(dst, FlagRequest|FlagTwoWay|FlagEvent|SerializationHessian2, 0, id, len(heartbeatBody))
	return append(dst, heartbeatBody...)
}

// AppendHeartbeatResponse appends the response to a heartbeat (flag 0x22, status 20) with body
// null.
func AppendHeartbeatResponse(dst []byte, id uint64) []byte {
	dst = appendHeader(dst, FlagEvent|SerializationHessian2, StatusOK, id, len(heartbeatBody))
	return append(dst, heartbeatBody...)
}

// AppendReadonlyEvent appends a one-way event request (flag 0xa2) whose body is the hessian
// string "R": the peer stops sending new requests on this connection.
func AppendReadonlyEvent(dst []byte, id uint64) []byte {
	dst = appendHeader(dst, FlagRequest|FlagEvent|SerializationHessian2, 0, id, len(readonlyBody))
	return append(dst, readonlyBody...)
}

// AppendErrorResponse appends a response with the given status, which must not be StatusOK,
// whose body is msg as a hessian2 string: what Java Dubbo writes, and reads as the error
// message, for a non-OK status.
func AppendErrorResponse(dst []byte, id uint64, status byte, msg string) []byte {
	start := len(dst)
	dst = appendHeader(dst, SerializationHessian2, status, id, 0)
	dst = appendHessianString(dst, msg)
	putBodyLen(dst[start:])
	return dst
}

// IsHeartbeat reports whether an event frame's body is a heartbeat: hessian null (an empty body
// is taken as one too).
func IsHeartbeat(h Header, body []byte) bool {
	return h.IsEvent() && (len(body) == 0 || string(body) == heartbeatBody)
}

// IsReadonly reports whether an event frame's body is the readonly event, the string "R".
func IsReadonly(h Header, body []byte) bool {
	if !h.IsEvent() {
		return false
	}
	s, end, err := stringView(body, 0, false)
	return err == nil && end == len(body) && len(s) == 1 && s[0] == 'R'
}
