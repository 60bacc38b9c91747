package dubbo

import (
	"encoding/binary"
	"fmt"
)

// HeaderSize is the size of the fixed frame header.
const HeaderSize = 16

// Magic is the first two bytes of every frame.
const Magic uint16 = 0xdabb

// DefaultMaxBodySize is the body size limit Java Dubbo and dubbo-go use by default (8 MiB).
// ParseHeader and NextFrame use it when given a limit of 0.
const DefaultMaxBodySize = 8 << 20

// Bits of the flag byte (byte 2 of the header).
const (
	FlagRequest       = 0x80 // a request; clear for a response
	FlagTwoWay        = 0x40 // a request that expects a response
	FlagEvent         = 0x20 // heartbeat or readonly event, not a call
	SerializationMask = 0x1f // the low bits: the serialization id
	// SerializationHessian2 is the only serialization this package accepts.
	SerializationHessian2 = 2
)

// Response statuses (Java Dubbo's), byte 3 of a response header.
const (
	StatusOK                  = 20
	StatusClientTimeout       = 30
	StatusServerTimeout       = 31
	StatusBadRequest          = 40
	StatusBadResponse         = 50
	StatusServiceNotFound     = 60
	StatusServiceError        = 70
	StatusServerError         = 80
	StatusClientError         = 90
	StatusThreadpoolExhausted = 100
)

// Header is the fixed 16-byte frame header: magic (2 bytes), flag, status, request ID (8 bytes,
// big-endian), body length (4 bytes, big-endian).
type Header struct {
	Flag    byte   // byte 2
	Status  byte   // byte 3 (responses)
	ID      uint64 // bytes 4..11
	BodyLen uint32 // bytes 12..15
}

// IsRequest reports whether the frame is a request (or a request event).
func (h Header) IsRequest() bool { return h.Flag&FlagRequest != 0 }

// IsTwoWay reports whether a request expects a response.
func (h Header) IsTwoWay() bool { return h.Flag&FlagTwoWay != 0 }

// IsEvent reports whether the frame is an event (heartbeat, readonly) rather than a call.
func (h Header) IsEvent() bool { return h.Flag&FlagEvent != 0 }

// Serialization returns the serialization id (always SerializationHessian2 once parsed).
func (h Header) Serialization() byte { return h.Flag & SerializationMask }

// FrameLen returns the length of the whole frame: HeaderSize + BodyLen.
func (h Header) FrameLen() int { return HeaderSize + int(h.BodyLen) }

// ParseHeader validates b[:HeaderSize] strictly and decodes it. It checks, in this order, the
// magic, the flag byte (serialization id hessian2; a response must not carry the two-way bit)
// and BodyLen <= maxBody (0 means DefaultMaxBodySize). len(b) < HeaderSize is ErrShortHeader;
// every other failure is a *FrameError. The status byte of a request is not checked (Java
// Dubbo ignores it). It does not allocate on success.
func ParseHeader(b []byte, maxBody uint32) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, ErrShortHeader
	}
	if err := checkPrefix(b[:3]); err != nil {
		return Header{}, err
	}
	h := Header{
		Flag:    b[2],
		Status:  b[3],
		ID:      binary.BigEndian.Uint64(b[4:12]),
		BodyLen: binary.BigEndian.Uint32(b[12:16]),
	}
	if maxBody == 0 {
		maxBody = DefaultMaxBodySize
	}
	if h.BodyLen > maxBody {
		return Header{}, &FrameError{Reason: ReasonTooLarge, Detail: fmt.Sprintf("body of %d bytes, limit %d", h.BodyLen, maxBody)}
	}
	return h, nil
}

// checkPrefix validates the first len(p) <= 3 bytes of a header: the magic and the flag byte.
func checkPrefix(p []byte) error {
	if len(p) > 0 && p[0] != byte(Magic>>8) || len(p) > 1 && p[1] != byte(Magic&0xff) {
		return &FrameError{Reason: ReasonBadMagic, Detail: fmt.Sprintf("% x", p[:min(len(p), 2)])}
	}
	if len(p) < 3 {
		return nil
	}
	flag := p[2]
	if s := flag & SerializationMask; s != SerializationHessian2 {
		return &FrameError{Reason: ReasonBadSerialization, Detail: fmt.Sprintf("serialization id %d, want %d (hessian2)", s, SerializationHessian2)}
	}
	if flag&FlagRequest == 0 && flag&FlagTwoWay != 0 {
		return &FrameError{Reason: ReasonBadFlags, Detail: fmt.Sprintf("response with the two-way bit (flag %#02x)", flag)}
	}
	return nil
}

// NextFrame returns the first complete frame of buf (header and body, a sub-slice of buf whose
// capacity ends with the frame, no copy) and its header, or frame == nil when buf holds less
// than one frame; once the header is complete h is returned with the nil frame, so the caller
// knows the size to wait for (h.FrameLen()). Call it again on
// buf[len(frame):] for pipelined frames. A bad header is an error as soon as the bytes that show
// it have arrived: a wrong magic is reported after one or two bytes, without waiting for the
// rest of the header. It never panics and does not allocate on success.
func NextFrame(buf []byte, maxBody uint32) (frame []byte, h Header, err error) {
	if len(buf) < HeaderSize {
		return nil, Header{}, checkPrefix(buf[:min(len(buf), 3)])
	}
	h, err = ParseHeader(buf, maxBody)
	if err != nil {
		return nil, Header{}, err
	}
	n := h.FrameLen()
	if len(buf) < n {
		return nil, h, nil
	}
	return buf[:n:n], h, nil
}

// PutID rewrites the request ID (bytes 4..11) of a frame in place. It panics if frame is
// shorter than 12 bytes.
func PutID(frame []byte, id uint64) {
	binary.BigEndian.PutUint64(frame[4:12], id)
}

// appendHeader appends a header with the given flag, status, ID and body length.
func appendHeader(dst []byte, flag, status byte, id uint64, bodyLen int) []byte {
	dst = append(dst, byte(Magic>>8), byte(Magic&0xff), flag, status)
	dst = binary.BigEndian.AppendUint64(dst, id)
	return binary.BigEndian.AppendUint32(dst, uint32(bodyLen))
}
