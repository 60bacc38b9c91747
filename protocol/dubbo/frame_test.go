package dubbo

import (
	"bytes"
	"errors"
	"testing"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// testStream is a pipelined stream of one frame of each kind.
func testStream(t testing.TB) (stream []byte, frames [][]byte) {
	frames = [][]byte{
		libRequest(t, 1, true, hessian.Service{Path: "com.example.Greeter", Method: "Hello"}, []any{"world"}, nil),
		AppendHeartbeatRequest(nil, 2),
		libRequest(t, 3, false, hessian.Service{Path: "com.example.Greeter", Method: "Notify", Version: "1.0"}, []any{int64(1), true}, map[string]string{"k": "v"}),
		AppendHeartbeatResponse(nil, 2),
		AppendReadonlyEvent(nil, 4),
		AppendErrorResponse(nil, 5, StatusServiceNotFound, "no such service"),
	}
	return bytes.Join(frames, nil), frames
}

// drain takes every complete frame off the front of buf.
func drain(t *testing.T, buf []byte, got *[][]byte) []byte {
	t.Helper()
	for {
		f, h, err := NextFrame(buf, 0)
		if err != nil {
			t.Fatalf("NextFrame: %v", err)
		}
		if f == nil {
			return buf
		}
		if len(f) != h.FrameLen() || cap(f) != len(f) {
			t.Fatalf("frame of %d bytes (cap %d), header says %d", len(f), cap(f), h.FrameLen())
		}
		*got = append(*got, f)
		buf = buf[len(f):]
	}
}

func TestNextFrameSplitAtEveryOffset(t *testing.T) {
	stream, frames := testStream(t)
	for cut := range len(stream) + 1 {
		var got [][]byte
		rest := drain(t, stream[:cut], &got)
		rest = drain(t, append(bytes.Clone(rest), stream[cut:]...), &got)
		if len(rest) != 0 || len(got) != len(frames) {
			t.Fatalf("cut %d: %d frames, %d bytes left", cut, len(got), len(rest))
		}
		for i := range frames {
			if !bytes.Equal(got[i], frames[i]) {
				t.Fatalf("cut %d: frame %d differs", cut, i)
			}
		}
	}
}

func TestNextFrameByteByByte(t *testing.T) {
	stream, frames := testStream(t)
	var got [][]byte
	var buf []byte
	for _, c := range stream {
		buf = drain(t, append(buf, c), &got)
	}
	if len(buf) != 0 || len(got) != len(frames) {
		t.Fatalf("%d frames, %d bytes left", len(got), len(buf))
	}
}

func TestNextFramePartial(t *testing.T) {
	f := AppendErrorResponse(nil, 9, StatusServerError, "boom")
	frame, h, err := NextFrame(f[:HeaderSize+2], 0)
	if frame != nil || err != nil || h.ID != 9 || h.FrameLen() != len(f) {
		t.Fatalf("partial body: frame %v, header %+v, err %v", frame, h, err)
	}
}

func TestNextFrameEarlyReject(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		reason string
	}{
		{"first byte", []byte{'G'}, ReasonBadMagic},
		{"second byte", []byte{0xda, 'E'}, ReasonBadMagic},
		{"flag", []byte{0xda, 0xbb, 0xc6}, ReasonBadSerialization},
		{"response two-way", []byte{0xda, 0xbb, 0x42, 20}, ReasonBadFlags},
		{"too large", rawHeader(goodMagic, 0xc2, 0, 1<<30), ReasonTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NextFrame(tt.in, 0)
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Reason != tt.reason {
				t.Fatalf("err = %v, want %s", err, tt.reason)
			}
		})
	}
	for _, ok := range [][]byte{nil, {0xda}, {0xda, 0xbb}, {0xda, 0xbb, 0xc2}} {
		if f, _, err := NextFrame(ok, 0); f != nil || err != nil {
			t.Fatalf("% x: frame %v, err %v", ok, f, err)
		}
	}
}

func TestPutID(t *testing.T) {
	f := libRequest(t, 41, true, hessian.Service{Path: "p", Method: "m"}, []any{"a"}, nil)
	body := bytes.Clone(f[HeaderSize:])
	PutID(f, 1<<63|42)
	h, got := mustFrame(t, f)
	if h.ID != 1<<63|42 || !bytes.Equal(got, body) || h.Flag != 0xc2 {
		t.Fatalf("after PutID: %+v", h)
	}
	var req = make([]any, 7)
	if lh := libRead(t, f, req); uint64(lh.ID) != 1<<63|42 {
		t.Fatalf("library reads ID %d", lh.ID)
	}
}
