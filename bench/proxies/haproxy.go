package proxies

import (
	"fmt"
	"strings"
)

// HAProxy runs haproxy with one thread, in the foreground: `mode tcp` for
// TCP, `mode http` with `http-reuse always` for HTTP.
type HAProxy struct {
	bin, version string
	proto        Protocol
}

func newHAProxy(bin string, proto Protocol) (Proxy, error) {
	path, err := executable("haproxy", bin, "no haproxy path given")
	if err != nil {
		return nil, err
	}
	// "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/"
	version, _, _ := strings.Cut(versionLine(path, "-v"), " - ")
	return HAProxy{bin: path, version: version, proto: proto}, nil
}

func (HAProxy) Name() string      { return "haproxy" }
func (h HAProxy) Version() string { return h.version }
func (h HAProxy) Setup() string {
	if h.proto == HTTP {
		return "nbthread 1, mode http, http-reuse always, keep-alive on both sides, no option forwardfor, no log, foreground (-db)"
	}
	if h.proto == Dubbo {
		return "nbthread 1, mode tcp (forwards the Dubbo byte stream without parsing it: the L4 floor), no log, foreground (-db)"
	}
	return "nbthread 1, mode tcp, no log, foreground (-db)"
}

// haproxyConfig is one listener forwarding to the backend.
func haproxyConfig(p Ports, proto Protocol) string {
	mode, name, extra := "tcp", "echo", ""
	if proto == Dubbo {
		name = "dubbo"
	}
	if proto == HTTP {
		mode, name = "http", "http"
		extra = "    timeout http-keep-alive 60s\n    http-reuse always\n"
	}
	return fmt.Sprintf(`global
    nbthread 1
    maxconn 4096

defaults
    mode %s
    timeout connect 1s
    timeout client 60s
    timeout server 60s
%s
listen %s
    bind 127.0.0.1:%d
    server backend 127.0.0.1:%d
`, mode, extra, name, p.Listen, p.Backend)
}

func (h HAProxy) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "haproxy.cfg", haproxyConfig(p, h.proto))
	if err != nil {
		return Instance{}, err
	}
	return Instance{Path: h.bin, Args: []string{"-f", path, "-db"}}, nil
}
