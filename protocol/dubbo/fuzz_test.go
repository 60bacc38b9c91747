package dubbo

import (
	"bytes"
	"errors"
	"maps"
	"testing"
	"unicode/utf8"

	hessian "github.com/apache/dubbo-go-hessian2"
)

func FuzzParseHeader(f *testing.F) {
	for _, s := range goldenSeeds(f) {
		f.Add(s[:HeaderSize], uint32(0))
	}
	f.Add(rawHeader(goodMagic, 0x42, 20, 5), uint32(4))
	f.Fuzz(func(t *testing.T, b []byte, maxBody uint32) {
		h, err := ParseHeader(b, maxBody)
		var fe *FrameError
		switch {
		case len(b) < HeaderSize && err != ErrShortHeader:
			t.Fatalf("short header: %v", err)
		case len(b) >= HeaderSize && err != nil && !errors.As(err, &fe):
			t.Fatalf("error %v is not a *FrameError", err)
		}
		// NextFrame rejects a prefix of a header only for the reason the whole one fails.
		ref := fe
		if len(b) < HeaderSize {
			_, _, werr := NextFrame(b, maxBody)
			ref, _ = werr.(*FrameError)
		}
		for n := range min(len(b), HeaderSize) {
			_, _, perr := NextFrame(b[:n], maxBody)
			var pe *FrameError
			if perr != nil && (!errors.As(perr, &pe) || ref == nil || pe.Reason != ref.Reason) {
				t.Fatalf("prefix of %d bytes: %v; whole header: %v", n, perr, ref)
			}
		}
		if err != nil {
			return
		}
		if back := appendHeader(nil, h.Flag, h.Status, h.ID, int(h.BodyLen)); !bytes.Equal(back, b[:HeaderSize]) {
			t.Fatalf("re-encoded % x, was % x", back, b[:HeaderSize])
		}
		if h.Serialization() != SerializationHessian2 || !h.IsRequest() && h.IsTwoWay() {
			t.Fatalf("accepted flag %#02x", h.Flag)
		}
	})
}

func FuzzRequestHead(f *testing.F) {
	for _, s := range goldenSeeds(f) {
		f.Add(s[HeaderSize:])
	}
	f.Add([]byte{'N', 'R', 0, 1, 'p', 0x01, 'q', 'N', 0x01, 'm', 'N'})
	f.Add(appendHessianString([]byte{'N'}, "路径🙂"))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkStringReaders(t, body)
		var h RequestHead
		if err := ParseRequestHead(body, &h); err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Reason != ReasonBadBody {
				t.Fatalf("error %v", err)
			}
			return
		}
		if h.ArgsOffset > len(body) {
			t.Fatalf("ArgsOffset %d of %d", h.ArgsOffset, len(body))
		}
		checkRebase(t, body, h)
		fields := [][]byte{h.DubboVersion, h.Path, h.Version, h.Method, h.ParamTypes}
		// The library reads the same five strings, unless one holds a surrogate: the library
		// takes a high surrogate's partner without checking it, even past the string's end.
		compare := bytes.IndexByte(body[:h.ArgsOffset], 0xed) < 0
		dec := hessian.NewDecoder(body[:h.ArgsOffset])
		var re []byte
		valid := true
		for i, field := range fields {
			want := string(appendCESU(nil, field))
			if compare {
				v, err := dec.Decode()
				if s, _ := v.(string); err != nil || s != want {
					t.Fatalf("field %d: ours %q, library %q, %v", i, want, v, err)
				}
			}
			valid = valid && utf8.ValidString(want)
			re = appendHessianString(re, want)
		}
		// Re-encoded, a head of valid UTF-8 reads back the same.
		if !valid {
			return
		}
		var h2 RequestHead
		if err := ParseRequestHead(re, &h2); err != nil || h2.ArgsOffset != len(re) || !bytes.Equal(h2.Path, h.Path) || !bytes.Equal(h2.Method, h.Method) {
			t.Fatalf("re-encoded head: %+v, %v", h2, err)
		}
		h.ParamCount()
	})
}

// checkRebase checks that h, parsed from body, rebased on a copy of the head's bytes, reads the
// same as the head parsed from that copy, with every view inside the copy.
func checkRebase(t *testing.T, body []byte, h RequestHead) {
	cp := append([]byte(nil), body[:h.ArgsOffset]...)
	var want RequestHead
	if err := ParseRequestHead(cp, &want); err != nil {
		t.Fatalf("the head's own bytes: %v", err)
	}
	h.Rebase(cp)
	got, exp := h.views(), want.views()
	for i := range got {
		g, w := *got[i], *exp[i]
		if !bytes.Equal(g, w) || (g == nil) != (w == nil) {
			t.Fatalf("field %d after Rebase: %q, parsed from the copy: %q", i, g, w)
		}
		if len(g) > 0 && &g[0] != &w[0] {
			t.Fatalf("field %d after Rebase does not point into the copy", i)
		}
	}
}

// checkStringReaders checks that the string readers agree on the value at the start of b.
func checkStringReaders(t *testing.T, b []byte) {
	s, end, err := appendString(nil, b, 0)
	skipEnd, skipErr := skipString(b, 0)
	view, viewEnd, viewErr := stringView(b, 0, false)
	switch {
	case (err == nil) != (skipErr == nil) || err == nil && end != skipEnd:
		t.Fatalf("appendString %d, %v; skipString %d, %v", end, err, skipEnd, skipErr)
	case err == nil && viewErr == nil && (viewEnd != end || !bytes.Equal(appendCESU(nil, view), s)):
		t.Fatalf("stringView %q, %d; appendString %q, %d", view, viewEnd, s, end)
	case err == nil && viewErr != nil && (!errors.Is(viewErr, errChunked) || viewEnd != end):
		t.Fatalf("stringView %d, %v; appendString %d", viewEnd, viewErr, end)
	case err != nil && viewErr == nil:
		t.Fatalf("stringView accepted what appendString rejects: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	seeds := goldenSeeds(f)
	for _, s := range seeds {
		f.Add(s, uint16(len(s)/2))
	}
	f.Add(bytes.Join(seeds, nil), uint16(100))
	for _, c := range headCases {
		f.Add(libRequest(f, 1, true, c.svc, c.args, maps.Clone(c.att)), uint16(20))
	}
	f.Fuzz(func(t *testing.T, stream []byte, split uint16) {
		cut := int(split) % (len(stream) + 1)
		whole := decodeStream(t, stream)
		rest := decodeStream(t, stream[:cut])
		if !bytes.HasPrefix(whole, rest) {
			t.Fatalf("frames found in a prefix are not the stream's")
		}
	})
}

// decodeStream takes frames off stream until it needs more or fails, decodes each the way a
// proxy would, and returns the frames' bytes joined.
func decodeStream(t *testing.T, stream []byte) []byte {
	var seen []byte
	for {
		frame, h, err := NextFrame(stream, 1<<16)
		if err != nil || frame == nil {
			return seen
		}
		seen = append(seen, frame...)
		stream = stream[len(frame):]
		decodeFrame(t, h, frame)
	}
}

func decodeFrame(t *testing.T, h Header, frame []byte) {
	body := frame[HeaderSize:]
	switch {
	case h.IsEvent():
		if IsHeartbeat(h, body) && IsReadonly(h, body) {
			t.Fatal("both heartbeat and readonly")
		}
	case h.IsRequest():
		var rh RequestHead
		if ParseRequestHead(body, &rh) != nil {
			return
		}
		att, aerr := DecodeAttachments(body, &rh)
		args, err := DecodeArguments(body, &rh)
		n, cerr := rh.ParamCount()
		if err == nil && (cerr != nil || len(args) != n) {
			t.Fatalf("%d arguments, ParamCount %d, %v", len(args), n, cerr)
		}
		if aerr == nil && att == nil {
			t.Fatal("nil attachments without error")
		}
	default:
		status, value, errMsg, err := DecodeResponse(frame)
		if IsException(h, body) && (err == nil && (status != StatusOK || value != nil) || h.IsEvent()) {
			t.Fatalf("exception with status %d, value %v, %q", status, value, errMsg)
		}
	}
}

// FuzzValues runs the skipper on arbitrary hessian2 values and hands what it accepts to the
// library decoder, which must then neither hang, nor crash the process, nor read past the end.
func FuzzValues(f *testing.F) {
	for _, s := range goldenSeeds(f) {
		if h, body := s[:HeaderSize], s[HeaderSize:]; h[2]&FlagRequest != 0 && h[2]&FlagEvent == 0 {
			var rh RequestHead
			if ParseRequestHead(body, &rh) == nil {
				f.Add(body[rh.ArgsOffset:], uint8(4))
			}
		}
	}
	for _, v := range []any{[]any{int32(1), "a", 2.5}, map[any]any{"k": []byte{1}}, &User{ID: "x"}, []*User{{}, {}}, []int32{1, 2}} {
		e := hessian.NewEncoder()
		e.Encode(v)
		e.Encode(v)
		f.Add(e.Buffer(), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		s := skipper{b: data}
		end, err := s.values(0, int64(n))
		if err != nil {
			return
		}
		if end > len(data) {
			t.Fatalf("end %d of %d", end, len(data))
		}
		decodeValues(data[:end], int(n))
	})
}
