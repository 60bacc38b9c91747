package httpcm

import (
	"errors"

	httpc "github.com/skiffmesh/skiff/protocol/http"
)

const bodyChunkedKind = httpc.BodyChunked

// bodyState finds the end of a message body in the bytes that follow its
// head, so they can be forwarded raw.
type bodyState struct {
	b httpc.Body
}

func (s *bodyState) init(f httpc.Framing) { _ = s.b.Reset(f, 0) }

func (s *bodyState) none() bool       { return s.b.Kind() == httpc.BodyNone }
func (s *bodyState) untilClose() bool { return s.b.Kind() == httpc.BodyUntilClose }
func (s *bodyState) done() bool       { return s.b.Done() }

// scan returns how many bytes at the start of buf belong to the body and
// whether the body ended there.
func (s *bodyState) scan(buf []byte) (n int, done bool, err error) {
	if s.b.Done() {
		return 0, true, nil
	}
	n, err = s.b.Parse(buf)
	if errors.Is(err, httpc.ErrNeedMore) {
		err = nil
	}
	return n, s.b.Done(), err
}
