package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestMakeRunDemo does what `make run` does, then what the README tells the user to try: the demo
// upstream and `skiff proxy -c examples/bootstrap.yaml`, an echo through 10000, an HTTP GET
// through 10080, and the echo listener's connection counted in /stats/prometheus. The bootstrap's
// ports are fixed, so the test is skipped when one of them is taken; the admin server, on 15000 in
// the file, is moved to a free port with --admin-address.
func TestMakeRunDemo(t *testing.T) {
	t.Parallel()
	skipIfBusy(t, 10000, 10080, 10001, 10002)
	up := startProc(t, e2eBins.demoUpstream, "-echo", "127.0.0.1:10001", "-http", "127.0.0.1:10002")
	if _, ok := up.waitStderrOrExit(regexpLiteral("demo-upstream listening"), startTimeout); !ok {
		skipIfBindFailed(t, up)
		t.Fatalf("demo-upstream exited with %d:\n%s", up.code, up.stderr)
	}
	proc := startProc(t, e2eBins.skiff, proxyArgs(filepath.Join("..", "..", "examples", "bootstrap.yaml"))...)
	m, ok := proc.waitStderrOrExit(liveLine, startTimeout)
	if !ok {
		skipIfBindFailed(t, proc)
		t.Fatalf("skiff exited with %d:\n%s", proc.code, proc.stderr)
	}
	p := attachAdmin(t, proc, m[1])

	conn := dialEcho(t, "127.0.0.1:10000")
	if err := roundTrip(conn, "hello\n"); err != nil {
		t.Fatalf("echo through 127.0.0.1:10000: %v", err)
	}
	_ = conn.Close()
	if body := demoGet(t, "http://127.0.0.1:10080/"); !strings.HasPrefix(body, "hello from demo-upstream\nGET / HTTP/1.1\n") {
		t.Errorf("GET through 127.0.0.1:10080 answered:\n%s", body)
	}

	for _, line := range []string{
		`envoy_tcp_downstream_cx_total{envoy_tcp_prefix="echo"} 1`,
		`envoy_tcp_downstream_cx_total{envoy_tcp_prefix="http_tcp"} 1`,
	} {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(line) + `$`)
		var last string
		poll(t, stopTimeout, func() bool {
			last = p.get("/stats/prometheus")
			return re.MatchString(last)
		}, func() string { return fmt.Sprintf("no line %q in /stats/prometheus:\n%s", line, last) })
	}

	p.signal(syscall.SIGTERM)
	if code := p.waitExit(stopTimeout); code != 0 {
		t.Errorf("skiff exit code %d, want 0", code)
	}
	up.signal(syscall.SIGTERM)
	if code := up.waitExit(stopTimeout); code != 0 {
		t.Errorf("demo-upstream exit code %d, want 0", code)
	}
}

// skipIfBusy skips the test when one of ports on 127.0.0.1 cannot be listened on.
func skipIfBusy(t *testing.T, ports ...int) {
	t.Helper()
	var busy []string
	for _, port := range ports {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			busy = append(busy, fmt.Sprint(port))
			continue
		}
		_ = ln.Close()
	}
	if len(busy) > 0 {
		t.Skipf("examples/bootstrap.yaml needs fixed ports; busy on 127.0.0.1: %s", strings.Join(busy, ", "))
	}
}

// skipIfBindFailed skips the test when p exited because a fixed port was taken after skipIfBusy
// looked.
func skipIfBindFailed(t *testing.T, p *e2eProc) {
	t.Helper()
	if out := p.stderr.String(); strings.Contains(out, "address already in use") {
		t.Skipf("a fixed port of the demo was taken meanwhile:\n%s", out)
	}
}

// demoGet sends one GET on a fresh connection and returns the body of a 200 answer.
func demoGet(t *testing.T, url string) string {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: ioTimeout}).Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v\n%s", url, resp.Status, err, b)
	}
	return string(b)
}
