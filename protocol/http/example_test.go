package http_test

import (
	"fmt"

	"github.com/skiffmesh/skiff/protocol/http"
)

// A connection handler on an event loop: bytes arrive in pieces, the parser says how much of
// them the head took, the body decoder says how much of the rest is body to forward as is.
func Example() {
	reads := []string{
		"POST /orders?id=7 HTTP/1.1\r\nHost: shop\r\nTransfer-Enc",
		"oding: chunked\r\n\r\n5\r\nhel",
		"lo\r\n0\r\n\r\nGET /next HTTP/1.1\r\n",
	}
	var (
		req      http.Request
		body     http.Body
		inbound  []byte // what the connection received and nothing has consumed
		upstream []byte // what goes to the upstream
		inBody   bool
	)
	for _, read := range reads {
		inbound = append(inbound, read...)
		if !inBody {
			n, err := req.Parse(inbound)
			if err == http.ErrNeedMore {
				continue // keep the bytes, wait for the next read
			}
			if err != nil {
				reply := http.AppendReply(nil, &http.Reply{Status: http.StatusCode(err), Close: true})
				fmt.Printf("%s", reply)
				return
			}
			upstream = http.AppendRequest(upstream, &req, &http.RequestEdit{
				Add: []http.Field{{Name: "X-Forwarded-Proto", Value: []byte("http")}},
			})
			if err := body.Reset(req.Framing(), 1<<20); err != nil {
				fmt.Println(http.StatusCode(err)) // 413: Content-Length over the limit
				return
			}
			inbound, inBody = inbound[n:], true // the head is re-encoded: done with its bytes
		}
		n, err := body.Parse(inbound)
		upstream = append(upstream, inbound[:n]...) // forwarded as received
		inbound = inbound[n:]
		if err == nil {
			fmt.Printf("forwarded %q\nnext request starts with %q\n", upstream, inbound)
		}
	}
	// Output:
	// forwarded "POST /orders?id=7 HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\nX-Forwarded-Proto: http\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
	// next request starts with "GET /next HTTP/1.1\r\n"
}
