//go:build linux

// Package dubbobackend is the Dubbo scenario's backend: a minimal Dubbo
// provider that answers every two-way request with one pre-encoded OK
// response (value dubbocall.Reply) carrying the request's ID, and every
// heartbeat with a heartbeat response. It does not decode request bodies.
//
// It runs on bench/epollserver's loop: a read takes whatever frames have
// arrived (a Dubbo consumer keeps many requests outstanding on one
// connection), and their responses leave in one write, without
// allocation.
package dubbobackend

import (
	"errors"
	"fmt"

	"github.com/skiffmesh/skiff/bench/dubbocall"
	"github.com/skiffmesh/skiff/bench/epollserver"
	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// bufSize is each connection's input buffer; a frame must fit.
const bufSize = dubbo.HeaderSize + dubbocall.MaxFrame

// ErrFrame is returned (wrapped) for a frame the backend does not serve:
// a response frame from a consumer.
var ErrFrame = errors.New("dubbobackend: unexpected frame")

// New returns a server; the caller must Close it.
func New() (*epollserver.Server, error) {
	resp, err := dubbocall.Response(0)
	if err != nil {
		return nil, err
	}
	return epollserver.New(bufSize, 16<<10, func(out, in []byte) ([]byte, int, error) {
		return answer(resp, out, in)
	})
}

// answer appends the answer to every complete frame in in and returns how
// many bytes they used.
func answer(resp, out, in []byte) ([]byte, int, error) {
	used := 0
	for {
		frame, h, err := dubbo.NextFrame(in[used:], dubbocall.MaxFrame)
		if err != nil {
			return out, used, fmt.Errorf("dubbobackend: %w", err)
		}
		if frame == nil {
			return out, used, nil
		}
		if out, err = respond(resp, out, h); err != nil {
			return out, used, err
		}
		used += len(frame)
	}
}

// respond appends to out the answer to one frame with header h: the OK
// response resp with the request's ID, a heartbeat response, or nothing
// for a one-way request or an event that wants no answer.
func respond(resp, out []byte, h dubbo.Header) ([]byte, error) {
	switch {
	case !h.IsRequest():
		return out, fmt.Errorf("%w: response frame (ID %d) from a consumer", ErrFrame, h.ID)
	case !h.IsTwoWay():
		return out, nil
	case h.IsEvent():
		return dubbo.AppendHeartbeatResponse(out, h.ID), nil
	}
	out = append(out, resp...)
	dubbo.PutID(out[len(out)-len(resp):], h.ID)
	return out, nil
}
