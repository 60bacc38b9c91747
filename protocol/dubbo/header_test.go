package dubbo

import (
	"bytes"
	"errors"
	"testing"
)

func rawHeader(magic [2]byte, flag, status byte, bodyLen uint32) []byte {
	b := appendHeader(nil, flag, status, 0x0102030405060708, int(bodyLen))
	b[0], b[1] = magic[0], magic[1]
	return b
}

var goodMagic = [2]byte{0xda, 0xbb}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		max     uint32
		reason  string
		wantErr error
	}{
		{name: "request two-way", in: rawHeader(goodMagic, 0xc2, 0, 10)},
		{name: "request one-way", in: rawHeader(goodMagic, 0x82, 0, 10)},
		{name: "response", in: rawHeader(goodMagic, 0x02, StatusOK, 10)},
		{name: "error response", in: rawHeader(goodMagic, 0x02, StatusServiceNotFound, 10)},
		{name: "heartbeat request", in: rawHeader(goodMagic, 0xe2, 0, 1)},
		{name: "heartbeat response", in: rawHeader(goodMagic, 0x22, StatusOK, 1)},
		{name: "readonly event", in: rawHeader(goodMagic, 0xa2, 0, 2)},
		{name: "empty body", in: rawHeader(goodMagic, 0xc2, 0, 0)},
		{name: "at default limit", in: rawHeader(goodMagic, 0xc2, 0, DefaultMaxBodySize)},
		{name: "at given limit", in: rawHeader(goodMagic, 0xc2, 0, 100), max: 100},
		{name: "short", in: rawHeader(goodMagic, 0xc2, 0, 0)[:15], wantErr: ErrShortHeader},
		{name: "empty", in: nil, wantErr: ErrShortHeader},
		{name: "bad magic high", in: rawHeader([2]byte{0xdb, 0xbb}, 0xc2, 0, 1), reason: ReasonBadMagic},
		{name: "bad magic low", in: rawHeader([2]byte{0xda, 0xba}, 0xc2, 0, 1), reason: ReasonBadMagic},
		{name: "http", in: []byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), reason: ReasonBadMagic},
		{name: "serialization 0", in: rawHeader(goodMagic, 0xc0, 0, 1), reason: ReasonBadSerialization},
		{name: "serialization fastjson", in: rawHeader(goodMagic, 0xc6, 0, 1), reason: ReasonBadSerialization},
		{name: "serialization protobuf", in: rawHeader(goodMagic, 0x96, 0, 1), reason: ReasonBadSerialization},
		{name: "serialization 31", in: rawHeader(goodMagic, 0xdf, 0, 1), reason: ReasonBadSerialization},
		{name: "two-way response", in: rawHeader(goodMagic, 0x42, StatusOK, 1), reason: ReasonBadFlags},
		{name: "two-way event response", in: rawHeader(goodMagic, 0x62, StatusOK, 1), reason: ReasonBadFlags},
		{name: "over default limit", in: rawHeader(goodMagic, 0xc2, 0, DefaultMaxBodySize+1), reason: ReasonTooLarge, wantErr: ErrTooLarge},
		{name: "over given limit", in: rawHeader(goodMagic, 0xc2, 0, 101), max: 100, reason: ReasonTooLarge, wantErr: ErrTooLarge},
		{name: "max uint32", in: rawHeader(goodMagic, 0xc2, 0, 1<<32-1), reason: ReasonTooLarge, wantErr: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHeader(tt.in, tt.max)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var fe *FrameError
			if got := errors.As(err, &fe); got != (tt.reason != "") || got && fe.Reason != tt.reason {
				t.Fatalf("err = %v, want reason %q", err, tt.reason)
			}
			if err != nil {
				return
			}
			if h.Flag != tt.in[2] || h.Status != tt.in[3] || h.ID != 0x0102030405060708 || h.FrameLen() != HeaderSize+int(h.BodyLen) {
				t.Fatalf("header %+v from % x", h, tt.in[:HeaderSize])
			}
			if h.Serialization() != SerializationHessian2 {
				t.Fatalf("serialization %d", h.Serialization())
			}
			if back := appendHeader(nil, h.Flag, h.Status, h.ID, int(h.BodyLen)); !bytes.Equal(back, tt.in[:HeaderSize]) {
				t.Fatalf("re-encoded % x, was % x", back, tt.in[:HeaderSize])
			}
		})
	}
}

func TestHeaderBits(t *testing.T) {
	tests := []struct {
		flag                   byte
		request, twoWay, event bool
	}{
		{0xc2, true, true, false},
		{0x82, true, false, false},
		{0xe2, true, true, true},
		{0xa2, true, false, true},
		{0x22, false, false, true},
		{0x02, false, false, false},
	}
	for _, tt := range tests {
		h := Header{Flag: tt.flag}
		if h.IsRequest() != tt.request || h.IsTwoWay() != tt.twoWay || h.IsEvent() != tt.event {
			t.Errorf("flag %#02x: request %v two-way %v event %v", tt.flag, h.IsRequest(), h.IsTwoWay(), h.IsEvent())
		}
	}
}

func TestFrameErrorMessage(t *testing.T) {
	_, err := ParseHeader(rawHeader(goodMagic, 0xc6, 0, 1), 0)
	if got := err.Error(); got != "dubbo: bad_serialization: serialization id 6, want 2 (hessian2)" {
		t.Fatalf("message %q", got)
	}
	if errors.Is(err, ErrTooLarge) {
		t.Fatal("bad_serialization is ErrTooLarge")
	}
}
