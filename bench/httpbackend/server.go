//go:build linux

// Package httpbackend is the HTTP scenario's backend: a minimal HTTP/1.1
// server that answers `GET /N` with a pre-encoded 200 response whose body
// is N bytes, for each size it was given, on keep-alive connections.
//
// It runs on bench/epollserver's loop: a request costs a share of one
// read and one write, no allocation and no goroutine switch; net/http
// would spend several times more per request on the core it shares with
// the proxy in the cross-core placement.
package httpbackend

import (
	"github.com/skiffmesh/skiff/bench/epollserver"
)

// bufSize is each connection's request buffer; a request head must fit.
const bufSize = 16 << 10

// New returns a server with a response for each body size (0..1 MiB).
// The caller must Close it.
func New(sizes []int) (*epollserver.Server, error) {
	responses, err := encodeResponses(sizes)
	if err != nil {
		return nil, err
	}
	return epollserver.New(bufSize, 4<<10, func(out, in []byte) ([]byte, int, error) {
		return answer(responses, out, in)
	})
}

// answer appends the pre-encoded response to every complete request in
// in and returns how many bytes they used.
func answer(responses map[string][]byte, out, in []byte) ([]byte, int, error) {
	used := 0
	for {
		req, ok, err := parseRequest(in[used:])
		if err != nil {
			return out, used, err
		}
		if !ok {
			return out, used, nil
		}
		out = append(out, respond(responses, req)...)
		used += req.size
	}
}

// respond returns the pre-encoded response to req.
func respond(responses map[string][]byte, req request) []byte {
	if !req.get {
		return methodNotAllowed
	}
	if resp, ok := responses[string(req.target)]; ok {
		return resp
	}
	return notFound
}
