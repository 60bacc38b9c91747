package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"

	"golang.org/x/sys/unix"
)

// dataSegmentsIn is the number of segments with data that c has received
// (TCP_INFO tcpi_data_segs_in).
func dataSegmentsIn(t *testing.T, c *net.TCPConn) uint32 {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var info *unix.TCPInfo
	var ierr error
	if err := rc.Control(func(fd uintptr) {
		info, ierr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil || ierr != nil {
		t.Fatal(err, ierr)
	}
	return info.Data_segs_in
}

// A small response reaches the client in one segment: its head and the
// body bytes read with it leave in one writev, not in a write each.
func TestHTTPSmallResponseOneWrite(t *testing.T) {
	be := backend(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "sixteen bytes ok") // net/http sends head and body in one write
	})
	_, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be), ""))
	c := dial(t, addrs["l"])
	br := bufio.NewReader(c)
	for i := range 3 {
		before := dataSegmentsIn(t, c)
		if _, err := c.Write([]byte("GET /small HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "sixteen bytes ok" {
			t.Fatalf("request %d: body %q", i, b)
		}
		if n := dataSegmentsIn(t, c) - before; n != 1 {
			t.Fatalf("request %d: the response arrived in %d segments, want 1 (head and body written separately?)", i, n)
		}
	}
}
