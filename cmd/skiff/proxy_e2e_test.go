package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"text/template"
	"time"
)

// startTimeout bounds how long a proxy may take from exec to answering /ready.
const startTimeout = 15 * time.Second

// liveLine matches the log line skiff writes once it serves, in text or JSON format, and captures
// the admin address from it.
var liveLine = regexp.MustCompile(`skiff is live"?.*?(?:admin=|"admin":")([^\s"]+)`)

// skiffProxy is a running `skiff proxy` with a known admin address.
type skiffProxy struct {
	*e2eProc
	admin  string // base URL of the admin API, http://127.0.0.1:PORT
	client *http.Client
}

// startProxy runs `skiff proxy -c bootstrap --admin-address 127.0.0.1:0 args...` and waits until
// it is live and /ready answers 200. The admin port is read from the log line that announces it.
func startProxy(t *testing.T, bootstrap string, args ...string) *skiffProxy {
	t.Helper()
	p := startProc(t, e2eBins.skiff, proxyArgs(bootstrap, args...)...)
	return attachAdmin(t, p, p.waitStderr(liveLine, startTimeout)[1])
}

// startProxyAt is startProxy with the admin server on adminAddr, for runs whose log level hides
// the line that announces the admin address.
func startProxyAt(t *testing.T, adminAddr, bootstrap string, args ...string) *skiffProxy {
	t.Helper()
	all := append([]string{"proxy", "-c", bootstrap, "--admin-address", adminAddr}, args...)
	return attachAdmin(t, startProc(t, e2eBins.skiff, all...), adminAddr)
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proxyArgs is the command line of a `skiff proxy` whose admin server takes any free port.
func proxyArgs(bootstrap string, args ...string) []string {
	return append([]string{"proxy", "-c", bootstrap, "--admin-address", "127.0.0.1:0"}, args...)
}

// attachAdmin waits until the admin server of p at addr answers /ready with 200.
func attachAdmin(t *testing.T, p *e2eProc, addr string) *skiffProxy {
	t.Helper()
	sp := &skiffProxy{e2eProc: p, admin: "http://" + addr, client: newAdminClient(t)}
	sp.waitStatus("/ready", http.StatusOK, startTimeout)
	return sp
}

// newAdminClient returns a client that does not keep connections open, so that it never holds the
// admin server up while the process stops.
func newAdminClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

// do sends one admin request and returns the status and body.
func (p *skiffProxy) do(method, path string) (int, string, error) {
	req, err := http.NewRequest(method, p.admin+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// get is a GET that must succeed with 200; it returns the body.
func (p *skiffProxy) get(path string) string {
	p.t.Helper()
	code, body, err := p.do(http.MethodGet, path)
	if err != nil || code != http.StatusOK {
		p.t.Fatalf("GET %s: %d %v\n%s", path, code, err, body)
	}
	return body
}

// waitStatus polls GET path until it answers want.
func (p *skiffProxy) waitStatus(path string, want int, timeout time.Duration) {
	p.t.Helper()
	var last string
	poll(p.t, timeout, func() bool {
		if !p.running() {
			p.t.Fatalf("exited with %d while waiting for GET %s to answer %d", p.code, path, want)
		}
		code, body, err := p.do(http.MethodGet, path)
		last = fmt.Sprintf("%d %v %s", code, err, body)
		return err == nil && code == want
	}, func() string { return fmt.Sprintf("GET %s never answered %d; last: %s", path, want, last) })
}

// listenerAddr returns the bound address of the named listener, from GET /listeners?format=json.
func (p *skiffProxy) listenerAddr(name string) string {
	p.t.Helper()
	var out struct {
		Statuses []struct {
			Name         string `json:"name"`
			LocalAddress struct {
				SocketAddress struct {
					Address   string `json:"address"`
					PortValue int    `json:"port_value"`
				} `json:"socket_address"`
			} `json:"local_address"`
		} `json:"listener_statuses"`
	}
	body := p.get("/listeners?format=json")
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		p.t.Fatalf("/listeners?format=json: %v\n%s", err, body)
	}
	for _, s := range out.Statuses {
		if s.Name == name {
			sa := s.LocalAddress.SocketAddress
			return net.JoinHostPort(sa.Address, fmt.Sprint(sa.PortValue))
		}
	}
	p.t.Fatalf("no listener %q in /listeners:\n%s", name, body)
	return ""
}

// poll calls cond every 10 ms until it returns true; after timeout it fails the test with msg().
func poll(t *testing.T, timeout time.Duration, cond func() bool, msg func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// writeEchoBootstrap writes testdata/echo.yaml.tmpl with the upstream's port filled in and returns
// the file's path.
func writeEchoBootstrap(t *testing.T, upstream net.Addr) string {
	t.Helper()
	tmpl, err := template.ParseFiles(filepath.Join("testdata", "echo.yaml.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bootstrap.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := tmpl.Execute(f, struct{ UpstreamPort int }{upstream.(*net.TCPAddr).Port}); err != nil {
		t.Fatal(err)
	}
	return path
}
