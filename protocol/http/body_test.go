package http

import "testing"

func TestBodyLength(t *testing.T) {
	var b Body
	if err := b.Reset(Framing{Kind: BodyLength, Length: 5}, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Parse([]byte("hel")); n != 3 || err != ErrNeedMore || b.Done() {
		t.Errorf("first read: %d, %v, done %v", n, err, b.Done())
	}
	if n, err := b.Parse([]byte("loGET /")); n != 2 || err != nil || !b.Done() {
		t.Errorf("second read: %d, %v, done %v", n, err, b.Done())
	}
	if n, err := b.Parse([]byte("more")); n != 0 || err != nil {
		t.Errorf("after the end: %d, %v", n, err)
	}
	if err := b.EOF(); err != nil {
		t.Errorf("EOF after the end: %v", err)
	}
}

func TestBodyNone(t *testing.T) {
	var b Body
	if !b.Done() {
		t.Error("zero Body is not done")
	}
	if err := b.Reset(Framing{}, 10); err != nil || !b.Done() {
		t.Errorf("BodyNone: %v, done %v", err, b.Done())
	}
	if n, err := b.Parse([]byte("GET")); n != 0 || err != nil {
		t.Errorf("Parse: %d, %v", n, err)
	}
}

func TestBodyUntilClose(t *testing.T) {
	var b Body
	_ = b.Reset(Framing{Kind: BodyUntilClose}, 0)
	if n, data, err := b.Next([]byte("abc")); n != 3 || string(data) != "abc" || err != ErrNeedMore {
		t.Errorf("Next: %d %q %v", n, data, err)
	}
	if err := b.EOF(); err != nil || !b.Done() {
		t.Errorf("EOF: %v, done %v", err, b.Done())
	}
}

func TestBodyLimits(t *testing.T) {
	tests := []struct {
		name  string
		f     Framing
		limit int64
		in    string
		reset error
		parse error
	}{
		{"length over limit", Framing{BodyLength, 11}, 10, "", ErrBodyTooLarge, ErrBodyTooLarge},
		{"length at limit", Framing{BodyLength, 10}, 10, "0123456789", nil, nil},
		{"until close over limit", Framing{Kind: BodyUntilClose}, 3, "abcd", nil, ErrBodyTooLarge},
		{"until close at limit", Framing{Kind: BodyUntilClose}, 4, "abcd", nil, ErrNeedMore},
		{"negative limit is none", Framing{BodyLength, 10}, -1, "0123456789", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Body
			if err := b.Reset(tt.f, tt.limit); err != tt.reset {
				t.Errorf("Reset: %v, want %v", err, tt.reset)
			}
			if _, err := b.Parse([]byte(tt.in)); err != tt.parse {
				t.Errorf("Parse: %v, want %v", err, tt.parse)
			}
		})
	}
}

func TestBodyTruncated(t *testing.T) {
	for _, f := range []Framing{{BodyLength, 4}, {Kind: BodyChunked}} {
		var b Body
		_ = b.Reset(f, 0)
		_, _ = b.Parse([]byte("1"))
		if err := b.EOF(); err != ErrTruncatedBody {
			t.Errorf("%v: EOF = %v", f.Kind, err)
		}
	}
}
