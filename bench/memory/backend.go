package memory

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// backend answers "ok" on every traffic host: one listener per address, all on one port.
type backend struct {
	srv  *http.Server
	port uint16
}

// startBackend listens on n loopback addresses 127.1.x.y sharing one port (tried a few times).
func startBackend(n int) (*backend, error) {
	var last error
	for range 10 {
		b, err := tryBackend(n)
		if err == nil {
			return b, nil
		}
		last = err
	}
	return nil, fmt.Errorf("memory: backend: %w", last)
}

func tryBackend(n int) (*backend, error) {
	first, err := net.Listen("tcp", "127.1.0.1:0")
	if err != nil {
		return nil, err
	}
	port := uint16(first.Addr().(*net.TCPAddr).Port)
	lns := []net.Listener{first}
	hosts := Shape{Traffic: 1, TrafficEndpoints: n, Clusters: 1}.TrafficHosts(port)
	for _, ap := range hosts[1:] {
		ln, err := net.Listen("tcp", ap.String())
		if err != nil {
			for _, l := range lns {
				_ = l.Close()
			}
			return nil, err
		}
		lns = append(lns, ln)
	}
	b := &backend{port: port, srv: &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("ok"))
		}),
	}}
	for _, ln := range lns {
		go func() {
			if err := b.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				_ = err // the run notices failed requests
			}
		}()
	}
	return b, nil
}

func (b *backend) close() { _ = b.srv.Close() }

// freePort returns a port that was free on 127.0.0.1 a moment ago.
func freePort() (uint16, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("memory: free port: %w", err)
	}
	defer ln.Close()
	return netip.MustParseAddrPort(ln.Addr().String()).Port(), nil
}
