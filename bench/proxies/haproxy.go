package proxies

import (
	"fmt"
	"strings"
)

// HAProxy runs haproxy in TCP mode with one thread, in the foreground.
type HAProxy struct{ bin, version string }

func newHAProxy(bin string) (Proxy, error) {
	path, err := executable("haproxy", bin, "no haproxy path given")
	if err != nil {
		return nil, err
	}
	// "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/"
	version, _, _ := strings.Cut(versionLine(path, "-v"), " - ")
	return HAProxy{bin: path, version: version}, nil
}

func (HAProxy) Name() string      { return "haproxy" }
func (h HAProxy) Version() string { return h.version }
func (HAProxy) Setup() string {
	return "nbthread 1, mode tcp, no log, foreground (-db)"
}

// haproxyConfig is a TCP listener forwarding to the backend.
func haproxyConfig(p Ports) string {
	return fmt.Sprintf(`global
    nbthread 1
    maxconn 4096

defaults
    mode tcp
    timeout connect 1s
    timeout client 60s
    timeout server 60s

listen echo
    bind 127.0.0.1:%d
    server backend 127.0.0.1:%d
`, p.Listen, p.Backend)
}

func (h HAProxy) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "haproxy.cfg", haproxyConfig(p))
	if err != nil {
		return Instance{}, err
	}
	return Instance{Path: h.bin, Args: []string{"-f", path, "-db"}}, nil
}
