package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopTimeout bounds how long a stopping proxy may take beyond what its drain time allows.
const stopTimeout = 5 * time.Second

// TestDrainOnSIGTERM: after SIGTERM the proxy reports not ready, refuses new connections, keeps
// serving the open one, and exits 0 as soon as that one closes, long before --drain-time-s.
func TestDrainOnSIGTERM(t *testing.T) {
	t.Parallel()
	p := startProxy(t, writeEchoBootstrap(t, startEcho(t)), "--drain-time-s", "30")
	addr := p.listenerAddr("echo")
	conn := dialEcho(t, addr)
	if err := roundTrip(conn, "before SIGTERM\n"); err != nil {
		t.Fatalf("echo through the proxy: %v", err)
	}

	p.signal(syscall.SIGTERM)
	p.waitStderr(regexpLiteral(`msg=draining signal=terminated drain_time=30s`), stopTimeout)
	poll(t, stopTimeout, func() bool {
		code, _, err := p.do(http.MethodGet, "/ready")
		return err != nil || code == http.StatusServiceUnavailable
	}, func() string { return "/ready still answers 200 after SIGTERM" })
	waitRefused(t, addr)
	for i := range 3 {
		if err := roundTrip(conn, fmt.Sprintf("draining %d\n", i)); err != nil {
			t.Fatalf("open connection stopped working during the drain: %v", err)
		}
	}
	if !p.running() {
		t.Fatalf("exited with %d while a connection was open", p.code)
	}

	closed := time.Now()
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	if code := p.waitExit(stopTimeout); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	t.Logf("exited %v after the last connection closed", time.Since(closed).Round(time.Millisecond))
	if !strings.Contains(p.stderr.String(), `msg="skiff stopped"`) {
		t.Errorf("no \"skiff stopped\" line in stderr")
	}
}

// TestDrainTimeLimit: a connection that stays open holds the proxy up for --drain-time-s only;
// then the proxy closes it and exits 0.
func TestDrainTimeLimit(t *testing.T) {
	t.Parallel()
	const drain = time.Second
	p := startProxy(t, writeEchoBootstrap(t, startEcho(t)), "--drain-time-s", "1")
	conn := dialEcho(t, p.listenerAddr("echo"))
	if err := roundTrip(conn, "hello\n"); err != nil {
		t.Fatalf("echo through the proxy: %v", err)
	}

	sent := time.Now()
	p.signal(syscall.SIGTERM)
	code := p.waitExit(drain + stopTimeout)
	took := time.Since(sent)
	if code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	t.Logf("exited %v after SIGTERM with --drain-time-s 1", took.Round(time.Millisecond))
	if took < drain-100*time.Millisecond || took > drain+3*time.Second {
		t.Errorf("exited %v after SIGTERM, want about %v", took, drain)
	}
	_ = conn.SetReadDeadline(time.Now().Add(ioTimeout))
	if n, err := conn.Read(make([]byte, 1)); err == nil {
		t.Errorf("connection still open after the proxy exited (read %d bytes)", n)
	}
}

// TestSecondSignal: a second signal during the drain ends the process at once with exit code 1.
func TestSecondSignal(t *testing.T) {
	t.Parallel()
	p := startProxy(t, writeEchoBootstrap(t, startEcho(t)), "--drain-time-s", "30")
	conn := dialEcho(t, p.listenerAddr("echo"))
	if err := roundTrip(conn, "hello\n"); err != nil {
		t.Fatalf("echo through the proxy: %v", err)
	}
	p.signal(syscall.SIGTERM)
	p.waitStderr(regexpLiteral("msg=draining"), stopTimeout)
	p.signal(syscall.SIGINT)
	if code := p.waitExit(stopTimeout); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	p.waitStderr(regexpLiteral("second signal: exiting without draining"), stopTimeout)
}

// TestQuitQuitQuit: POST /quitquitquit drains and exits 0; GET is refused and changes nothing.
func TestQuitQuitQuit(t *testing.T) {
	t.Parallel()
	p := startProxy(t, writeEchoBootstrap(t, startEcho(t)), "--drain-time-s", "30",
		"--service-node", "node-from-flag")
	if info := p.get("/server_info"); !strings.Contains(info, `"node-from-flag"`) {
		t.Errorf("/server_info does not show --service-node:\n%s", info)
	}

	code, body, err := p.do(http.MethodGet, "/quitquitquit")
	if err != nil || code != http.StatusMethodNotAllowed {
		t.Fatalf("GET /quitquitquit: %d %v %s, want 405", code, err, body)
	}
	p.get("/ready")

	code, body, err = p.do(http.MethodPost, "/quitquitquit")
	if err != nil || code != http.StatusOK {
		t.Fatalf("POST /quitquitquit: %d %v %s", code, err, body)
	}
	if code := p.waitExit(stopTimeout); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if !strings.Contains(p.stderr.String(), `reason=/quitquitquit`) {
		t.Errorf("no drain log line naming /quitquitquit")
	}
}

// waitRefused polls until a connection to addr is refused. A connection accepted meanwhile is
// closed at once.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	var last error
	poll(t, stopTimeout, func() bool {
		c, err := net.DialTimeout("tcp", addr, ioTimeout)
		if err == nil {
			_ = c.Close()
			return false
		}
		last = err
		return errors.Is(err, syscall.ECONNREFUSED)
	}, func() string { return fmt.Sprintf("new connections to %s are not refused (last: %v)", addr, last) })
}

// regexpLiteral returns a regexp that matches s literally.
func regexpLiteral(s string) *regexp.Regexp { return regexp.MustCompile(regexp.QuoteMeta(s)) }

// TestSIGTERMWhileInitializing: a signal that arrives while clusters are still initialising (the
// listeners are already bound) drains and exits 0 at once instead of killing the process.
func TestSIGTERMWhileInitializing(t *testing.T) {
	t.Parallel()
	p := startProc(t, e2eBins.skiff, "proxy", "-c", "testdata/unresolvable.yaml",
		"--admin-address", "127.0.0.1:0", "--drain-time-s", "30")
	p.waitStderr(regexpLiteral(`msg="listener started" name=echo`), startTimeout)
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(stopTimeout); code != 0 {
		t.Fatalf("exit code %d, want 0 (%v)", code, p.cmd.ProcessState)
	}
	if strings.Contains(p.stderr.String(), "skiff is live") {
		t.Errorf("the proxy went live although no cluster could initialise")
	}
}
