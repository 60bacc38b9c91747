package server

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"testing"

	wire "github.com/skiffmesh/skiff/protocol/dubbo"
)

// rawDubboProvider answers every request with the same pre-encoded
// response (its ID patched), reading with reused buffers, so that a
// benchmark's allocations are the proxy's.
func rawDubboProvider(tb testing.TB) string {
	resp, err := wire.AppendResponse(nil, 0, "hello, bench", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return serveTCP(tb, func(c net.Conn) {
		br := bufio.NewReaderSize(c, 64<<10)
		hdr := make([]byte, wire.HeaderSize)
		out := append([]byte(nil), resp...)
		for {
			if _, err := io.ReadFull(br, hdr); err != nil {
				return
			}
			n := int(binary.BigEndian.Uint32(hdr[12:]))
			if _, err := br.Discard(n); err != nil {
				return
			}
			if hdr[2]&wire.FlagTwoWay == 0 {
				continue
			}
			copy(out[4:12], hdr[4:12])
			if hdr[2]&wire.FlagEvent != 0 {
				_, err = c.Write(wire.AppendHeartbeatResponse(out[:0:0], binary.BigEndian.Uint64(hdr[4:])))
			} else {
				_, err = c.Write(out)
			}
			if err != nil {
				return
			}
		}
	})
}

// BenchmarkDubboProxyRequest is one two-way call through the proxy: framing,
// head decoding, a route match on interface and method, a per-call host
// pick, a multiplexed provider connection and the ID rewrites both ways.
// allocs/op counts the whole process: the client and provider allocate
// nothing per call, so it is the proxy's steady-state allocation.
func BenchmarkDubboProxyRequest(b *testing.B) {
	p := rawDubboProvider(b)
	routes := `
- name: other
  interface: com.foo.Other
  routes:
  - match: {method: {name: {exact: sayHello}}}
    route: {cluster: c}
- name: greeter
  interface: com.foo.Greeter
  version: 1.0.0
  routes:
  - match: {method: {name: {exact: bye}}}
    route: {cluster: c}
  - match: {method: {name: {exact: sayHello}}}
    route: {cluster: c}`
	_, addr := startDubboProxy(b, dubboYAML(routes, "", staticCluster("c", "", p)), nil)
	c := dial(b, addr)
	req, err := wire.AppendRequest(nil, 1, true, &wire.Invocation{
		Path: "com.foo.Greeter", Version: "1.0.0", Method: "sayHello", Args: []any{"bench"},
		Attachments: map[string]any{"application": "bench-client"},
	})
	if err != nil {
		b.Fatal(err)
	}
	br := bufio.NewReaderSize(c, 64<<10)
	hdr := make([]byte, wire.HeaderSize)
	var id uint64
	round := func() {
		id++
		binary.BigEndian.PutUint64(req[4:], id)
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(br, hdr); err != nil {
			b.Fatal(err)
		}
		if got := binary.BigEndian.Uint64(hdr[4:]); got != id || hdr[3] != wire.StatusOK {
			b.Fatalf("response ID %d status %d, want %d 20", got, hdr[3], id)
		}
		if _, err := br.Discard(int(binary.BigEndian.Uint32(hdr[12:]))); err != nil {
			b.Fatal(err)
		}
	}
	for range 100 { // open the provider connection, fill the pools
		round()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		round()
	}
}
