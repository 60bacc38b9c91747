package server

import (
	"bufio"
	"bytes"
	"net"
	"strconv"
	"testing"
)

// rawHTTPBackend answers every request on a connection with a fixed
// 1 KiB response, reading heads with a reused buffer (no allocation per
// request), so a benchmark's allocations are the proxy's.
func rawHTTPBackend(tb testing.TB) string {
	body := bytes.Repeat([]byte("x"), 1024)
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + string(body))
	return serveTCP(tb, func(c net.Conn) {
		br := bufio.NewReaderSize(c, 4096)
		for {
			// Requests are bodiless GETs: a head ends with an empty line.
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				if len(line) <= 2 {
					break
				}
			}
			if _, err := c.Write(resp); err != nil {
				return
			}
		}
	})
}

// BenchmarkHTTPProxyRequest is one keep-alive GET through the proxy with a
// route match, a pooled upstream connection and a 1 KiB response.
// allocs/op counts the whole process: the client and backend allocate
// nothing per request, so it is the proxy's steady-state allocation.
func BenchmarkHTTPProxyRequest(b *testing.B) {
	b.Run("request-id-given", func(b *testing.B) { benchProxyRequest(b, "X-Request-Id: fixed\r\n", "") })
	b.Run("request-id-generated", func(b *testing.B) { benchProxyRequest(b, "", "") })
	b.Run("stats-filter", func(b *testing.B) { benchProxyRequest(b, "X-Request-Id: fixed\r\n", statsHTTPFilterYAML) })
}

// statsHTTPFilterYAML is the stats filter as an HTTP filter.
const statsHTTPFilterYAML = `
- name: skiff.stats
  typed_config:
    "@type": type.googleapis.com/xds.type.v3.TypedStruct
    type_url: type.skiff.dev/skiff.filters.stats.v1.Stats`

func benchProxyRequest(b *testing.B, extra, filters string) {
	be := rawHTTPBackend(b)
	_, addrs := startProxy(b, httpYAML(`
- match: {prefix: "/static/"}
  route: {cluster: other}
- match: {path: "/bench", headers: [{name: x-canary, present_match: true, invert_match: true}]}
  route: {cluster: web}`, staticCluster("web", "", be)+"\n"+staticCluster("other", "", be), filters))
	c := dial(b, addrs["l"])
	req := []byte("GET /bench HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n" + extra + "\r\n")
	br := bufio.NewReaderSize(c, 8192)
	round := func() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		n := -1
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			if len(line) <= 2 {
				break
			}
			if len(line) > 16 && bytes.EqualFold(line[:16], []byte("content-length: ")) {
				n = 0
				for _, ch := range bytes.TrimSpace(line[16:]) {
					n = n*10 + int(ch-'0')
				}
			}
		}
		if _, err := br.Discard(n); err != nil {
			b.Fatal(err)
		}
	}
	for range 100 { // fill the pools
		round()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		round()
	}
}
