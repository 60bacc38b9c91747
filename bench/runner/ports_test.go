package runner

import (
	"net"
	"strconv"
	"testing"
)

// Proxy ports come from below the ephemeral range, where no outgoing
// connection can take them before the proxy binds them, and are free.
func TestFreePortsBelowEphemeralRange(t *testing.T) {
	ports, err := freePorts(4)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p < minPort || p >= ephemeralLow() || seen[p] {
			t.Fatalf("ports %v: want distinct, in [%d, %d)", ports, minPort, ephemeralLow())
		}
		seen[p] = true
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("port %d not free: %v", p, err)
		}
		ln.Close()
	}
}
