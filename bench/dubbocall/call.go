// Package dubbocall is the one Dubbo call the benchmark makes: the
// service, version and method the load generator calls, the Skiff and
// MOSN configs route and the backend answers, and the encoded frames.
package dubbocall

import (
	"fmt"
	"strings"

	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// The call: Interface:Version, method Method(String).
const (
	Interface = "org.skiffmesh.bench.EchoService"
	Version   = "1.0.0"
	Method    = "echo"
	// ParamTypes is Method's JVM descriptor: one String.
	ParamTypes = "Ljava/lang/String;"
	// Reply is the value of every response.
	Reply = "OK"
)

// MaxSize bounds the argument size of a request.
const MaxSize = 16 << 10

// Request returns the two-way hessian2 request frame with ID id whose
// one argument is a string of size lower-case letters (1..MaxSize).
// Callers encode it once and rewrite the ID with dubbo.PutID.
func Request(id uint64, size int) ([]byte, error) {
	if size < 1 || size > MaxSize {
		return nil, fmt.Errorf("dubbocall: argument size %d: want 1..%d", size, MaxSize)
	}
	arg := strings.Repeat("abcdefghijklmnopqrstuvwxyz", size/26+1)[:size]
	inv := dubbo.Invocation{Path: Interface, Version: Version, Method: Method, ParamTypes: ParamTypes, Args: []any{arg}}
	frame, err := dubbo.AppendRequest(nil, id, true, &inv)
	if err != nil {
		return nil, fmt.Errorf("dubbocall: encode request: %w", err)
	}
	return frame, nil
}

// Response returns the OK response frame with ID id whose value is Reply.
// Callers encode it once and rewrite the ID with dubbo.PutID.
func Response(id uint64) ([]byte, error) {
	frame, err := dubbo.AppendResponse(nil, id, Reply, nil)
	if err != nil {
		return nil, fmt.Errorf("dubbocall: encode response: %w", err)
	}
	return frame, nil
}

// MaxFrame is the largest frame body the generator and the backend
// accept; their read buffers hold HeaderSize+MaxFrame bytes.
const MaxFrame = 64<<10 - dubbo.HeaderSize
