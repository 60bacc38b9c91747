package httpbackend

import (
	"fmt"
	"strconv"
)

// Path is the request target the server answers with a body of size bytes.
func Path(size int) string { return "/" + strconv.Itoa(size) }

// maxSize bounds a configured body size.
const maxSize = 1 << 20

var (
	notFound         = []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
	methodNotAllowed = []byte("HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nContent-Length: 0\r\n\r\n")
)

// encodeResponses pre-encodes the 200 response of every size, keyed by
// its Path. A body is size bytes of lower-case letters.
func encodeResponses(sizes []int) (map[string][]byte, error) {
	if len(sizes) == 0 {
		return nil, fmt.Errorf("httpbackend: no response sizes")
	}
	out := make(map[string][]byte, len(sizes))
	for _, size := range sizes {
		if size < 0 || size > maxSize {
			return nil, fmt.Errorf("httpbackend: response size %d: want 0..%d", size, maxSize)
		}
		head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", size)
		resp := append(make([]byte, 0, len(head)+size), head...)
		for i := range size {
			resp = append(resp, byte('a'+i%26))
		}
		out[Path(size)] = resp
	}
	return out, nil
}
