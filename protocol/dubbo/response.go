package dubbo

import (
	"fmt"
	"math"
)

// DecodeResponse decodes a whole response frame. It returns the status; for status 20 the value
// (nil for a null value) or, for an exception (kinds 0 and 3), the exception's message in
// errMsg; for other statuses errMsg is the body string. Attachments are not returned. A heartbeat
// response has a nil value. It allocates; it is for tests, tools and local replies, not the
// forwarding path. Errors are *FrameError, or ErrShortHeader.
func DecodeResponse(frame []byte) (status byte, value any, errMsg string, err error) {
	h, err := ParseHeader(frame, math.MaxUint32)
	if err != nil {
		return 0, nil, "", err
	}
	if h.IsRequest() {
		return 0, nil, "", &FrameError{Reason: ReasonBadFlags, Detail: "a request, not a response"}
	}
	if len(frame) != h.FrameLen() {
		return 0, nil, "", badBody(fmt.Sprintf("frame of %d bytes, header says %d", len(frame), h.FrameLen()))
	}
	body := frame[HeaderSize:]
	switch {
	case h.IsEvent():
		return h.Status, nil, "", nil
	case h.Status != StatusOK:
		msg, err := errorMessage(body)
		return h.Status, nil, msg, err
	}
	value, errMsg, err = okBody(body)
	return h.Status, value, errMsg, err
}

// IsException reports whether a response is an OK response whose body carries an exception
// (kind 0 or 3), looking at the kind only: a proxy counts business exceptions without decoding
// the body. It does not allocate.
func IsException(h Header, body []byte) bool {
	const intZero = 0x90 // hessian2 compact int 0; kinds 0..5 are 0x90..0x95
	if h.IsRequest() || h.IsEvent() || h.Status != StatusOK || len(body) == 0 {
		return false
	}
	return body[0] == intZero+ResponseWithException || body[0] == intZero+ResponseWithExceptionWithAttachments
}

// errorMessage reads the string body of a non-OK response; null is an empty message.
func errorMessage(body []byte) (string, error) {
	if len(body) > 0 && body[0] == tagNull {
		return "", nil
	}
	msg, _, err := appendString(nil, body, 0)
	if err != nil {
		return "", badBody("error message: " + err.Error())
	}
	return string(msg), nil
}

// okBody reads the kind and the value or exception of an OK response body.
func okBody(body []byte) (value any, errMsg string, err error) {
	s := skipper{b: body}
	kind, off, err := s.int(0)
	if err != nil {
		return nil, "", badBody("response kind: " + err.Error())
	}
	switch kind {
	case ResponseNullValue, ResponseNullValueWithAttachments:
		return nil, "", nil
	case ResponseValue, ResponseValueWithAttachments, ResponseWithException, ResponseWithExceptionWithAttachments:
	default:
		return nil, "", badBody(fmt.Sprintf("unknown response kind %d", kind))
	}
	end, err := s.value(off)
	if err != nil {
		return nil, "", badBody("response value: " + err.Error())
	}
	vals, err := decodeValues(body[off:end], 1)
	if err != nil {
		return nil, "", badBody("response value: " + err.Error())
	}
	if kind == ResponseValue || kind == ResponseValueWithAttachments {
		return vals[0], "", nil
	}
	return nil, exceptionMessage(vals[0]), nil
}

// exceptionMessage returns the message of a decoded Java exception: what its Error method
// says, or the detailMessage field of an exception class the decoder does not know. Other
// values are not printed: hessian references make cyclic values, which fmt would follow
// forever.
func exceptionMessage(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case map[any]any:
		if s, ok := v["detailMessage"].(string); ok {
			return s
		}
	case map[string]any:
		if s, ok := v["detailMessage"].(string); ok {
			return s
		}
	}
	return fmt.Sprintf("exception of type %T", v)
}
