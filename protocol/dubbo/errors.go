package dubbo

import "errors"

// ErrShortHeader is returned by ParseHeader for fewer than HeaderSize bytes. It is not a
// protocol error: read more bytes and call again.
var ErrShortHeader = errors.New("dubbo: short header")

// ErrTooLarge is wrapped by the *FrameError (Reason "too_large") that ParseHeader and NextFrame
// return for a body longer than the limit: errors.Is(err, ErrTooLarge) reports it.
var ErrTooLarge = errors.New("dubbo: frame too large")

// Reasons of a FrameError. They are short and fixed so a proxy can use them as stat names.
const (
	ReasonBadMagic         = "bad_magic"
	ReasonBadSerialization = "bad_serialization"
	ReasonTooLarge         = "too_large"
	ReasonBadFlags         = "bad_flags"
	ReasonBadBody          = "bad_body"
)

// FrameError is a protocol error: the peer sent a frame this package rejects. Reason is one of
// the Reason constants; Detail says what exactly was wrong.
type FrameError struct {
	Reason string
	Detail string
}

func (e *FrameError) Error() string {
	if e.Detail == "" {
		return "dubbo: " + e.Reason
	}
	return "dubbo: " + e.Reason + ": " + e.Detail
}

// Unwrap returns ErrTooLarge for a "too_large" error and nil otherwise.
func (e *FrameError) Unwrap() error {
	if e.Reason == ReasonTooLarge {
		return ErrTooLarge
	}
	return nil
}

func badBody(detail string) *FrameError { return &FrameError{Reason: ReasonBadBody, Detail: detail} }
