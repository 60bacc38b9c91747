package interception

// The lab of the end-to-end test: two network namespaces, "pod" and "remote", joined by a veth
// pair, with agents (this test binary re-executed, see agent_test.go) serving and connecting
// inside them, and the skiff proxy in the pod.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The lab's addresses. The remote has a second address of each family, excluded from capture.
const (
	pod4, pod6       = "10.200.0.1", "fd00:200::1"
	remote4, remote6 = "10.200.0.2", "fd00:200::2"
	other4, other6   = "10.200.0.3", "fd00:200::3"
)

// lab is the namespaces and the processes in them.
type lab struct {
	t               *testing.T
	dir             string // holds the agent binary, skiff and the bootstrap; readable by every uid
	podNS, remoteNS string // namespace names
	proxy           *exec.Cmd
	proxyLog        *syncBuffer
}

// newLab builds skiff, creates the namespaces and registers their removal.
func newLab(t *testing.T) *lab {
	t.Helper()
	dir, err := os.MkdirTemp("", "skiff-netns-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	l := &lab{t: t, dir: dir,
		podNS: fmt.Sprintf("skpod%d", os.Getpid()), remoteNS: fmt.Sprintf("skrem%d", os.Getpid())}
	l.prepareFiles()
	l.createNamespaces()
	return l
}

// prepareFiles copies this test binary and the bootstrap into dir and builds skiff there.
func (l *lab) prepareFiles() {
	self, err := os.Executable()
	if err != nil {
		l.t.Fatal(err)
	}
	copyFile(l.t, self, filepath.Join(l.dir, "agent"), 0o755)
	copyFile(l.t, filepath.Join("testdata", "pod.yaml"), filepath.Join(l.dir, "pod.yaml"), 0o644)
	args := []string{"build", "-o", filepath.Join(l.dir, "skiff")}
	if netnsRace {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "github.com/skiffmesh/skiff/cmd/skiff")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		l.t.Fatalf("go build skiff: %v\n%s", err, out)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

// createNamespaces makes pod and remote, joined by a veth pair, with both families' addresses.
func (l *lab) createNamespaces() {
	l.t.Cleanup(func() {
		for _, ns := range []string{l.podNS, l.remoteNS} {
			_ = exec.Command("ip", "netns", "del", ns).Run()
		}
	})
	for _, ns := range []string{l.podNS, l.remoteNS} {
		l.root("ip", "netns", "add", ns)
		// No duplicate address detection, so link-local addresses and their routes exist at
		// once instead of appearing in the middle of the test.
		l.root("ip", "netns", "exec", ns, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad")
	}
	l.root("ip", "link", "add", "name", "eth0", "netns", l.podNS, "type", "veth",
		"peer", "name", "eth0", "netns", l.remoteNS)
	for _, n := range []struct {
		ns    string
		addrs []string
	}{
		{l.podNS, []string{pod4 + "/24", pod6 + "/64"}},
		{l.remoteNS, []string{remote4 + "/24", remote6 + "/64", other4 + "/24", other6 + "/64 preferred_lft 0"}},
	} {
		for _, a := range n.addrs {
			// The remote's second IPv6 address is deprecated (preferred_lft 0): it answers but is
			// never the source of the remote's own connections.
			a, extra, _ := strings.Cut(a, " ")
			args := []string{"-n", n.ns, "addr", "add", a, "dev", "eth0"}
			if extra != "" {
				args = append(args, strings.Fields(extra)...)
			}
			if strings.Contains(a, ":") {
				args = append(args, "nodad")
			}
			l.root("ip", args...)
		}
		l.root("ip", "-n", n.ns, "link", "set", "eth0", "up")
		l.root("ip", "-n", n.ns, "link", "set", "lo", "up")
	}
}

// root runs a command as root in the host namespace and returns its output; failure is fatal.
func (l *lab) root(name string, args ...string) string {
	l.t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		l.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// in runs a command as root in namespace ns and returns its standard output and error.
func (l *lab) in(ns, name string, args ...string) (string, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s in %s: %w: %s", name, strings.Join(args, " "), ns, err, stderr.String())
	}
	return string(out), nil
}

// mustIn is in, failing the test on error.
func (l *lab) mustIn(ns, name string, args ...string) string {
	l.t.Helper()
	out, err := l.in(ns, name, args...)
	if err != nil {
		l.t.Fatal(err)
	}
	return out
}

// asUID is the setpriv prefix that runs a command as uid (and gid) with no extra groups.
func asUID(uid int, caps ...string) []string {
	id := fmt.Sprint(uid)
	args := []string{"setpriv", "--reuid", id, "--regid", id, "--clear-groups"}
	for _, c := range caps {
		args = append(args, "--inh-caps", "+"+c, "--ambient-caps", "+"+c)
	}
	return args
}

// agent is this test binary serving agentRequests inside a namespace.
type agent struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Scanner
	stderr *syncBuffer
	mu     sync.Mutex
}

// startAgent runs an agent in namespace ns, as uid when uid >= 0.
func (l *lab) startAgent(name, ns string, uid int) *agent {
	l.t.Helper()
	args := []string{"netns", "exec", ns}
	if uid >= 0 {
		args = append(args, asUID(uid)...)
	}
	cmd := exec.Command("ip", append(args, filepath.Join(l.dir, "agent"))...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	a := &agent{name: name, cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = a.stderr
	var err error
	if a.stdin, err = cmd.StdinPipe(); err != nil {
		l.t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		l.t.Fatal(err)
	}
	a.stdout = bufio.NewScanner(out)
	a.stdout.Buffer(nil, 1<<20)
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() {
		a.stdin.Close()
		if err := cmd.Wait(); err != nil {
			l.t.Errorf("agent %s: %v\n%s", name, err, a.stderr.String())
		}
	})
	return a
}

// do sends one request and returns the response.
func (a *agent) do(req agentRequest) agentResponse {
	a.mu.Lock()
	defer a.mu.Unlock()
	b, _ := json.Marshal(req)
	if _, err := a.stdin.Write(append(b, '\n')); err != nil {
		return agentResponse{Err: fmt.Sprintf("agent %s: write: %v: %s", a.name, err, a.stderr.String())}
	}
	if !a.stdout.Scan() {
		return agentResponse{Err: fmt.Sprintf("agent %s: exited: %v: %s", a.name, a.stdout.Err(), a.stderr.String())}
	}
	var resp agentResponse
	if err := json.Unmarshal(a.stdout.Bytes(), &resp); err != nil {
		resp.Err = fmt.Sprintf("agent %s: %v", a.name, err)
	}
	return resp
}

// must sends a request and fails the test when it fails.
func (a *agent) must(t *testing.T, req agentRequest) agentResponse {
	t.Helper()
	resp := a.do(req)
	if resp.Err != "" {
		t.Fatalf("%s: %s %s: %s", a.name, req.Op, req.Addr+req.URL, resp.Err)
	}
	return resp
}

// startProxy runs skiff in the pod as uid 1337 with only CAP_NET_ADMIN, and waits until its
// listeners are up (the rules must never be installed before: fail-closed).
func (l *lab) startProxy(admin *agent) {
	l.t.Helper()
	args := append([]string{"netns", "exec", l.podNS}, asUID(1337, "net_admin")...)
	args = append(args, filepath.Join(l.dir, "skiff"), "proxy", "-c", filepath.Join(l.dir, "pod.yaml"),
		"--socket-mark", "0x800", "--drain-time-s", "1", "-l", "warn")
	l.proxy = exec.Command("ip", args...)
	l.proxyLog = &syncBuffer{}
	l.proxy.Stdout, l.proxy.Stderr = l.proxyLog, l.proxyLog
	if err := l.proxy.Start(); err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(l.stopProxy)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp := admin.do(agentRequest{Op: "get", URL: "http://127.0.0.1:15000/ready"})
		if resp.Err == "" {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("skiff not ready: %s\n%s", resp.Err, l.proxyLog.String())
		}
		time.Sleep(50 * time.Millisecond) // polling /ready, the documented readiness check
	}
}

// stopProxy stops skiff and fails on a bad exit (a data race exits with 66).
func (l *lab) stopProxy() {
	if l.proxy == nil || l.proxy.Process == nil {
		return
	}
	_ = l.proxy.Process.Signal(syscall.SIGTERM)
	err := l.proxy.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		l.t.Errorf("skiff exited with %v\n%s", err, l.proxyLog.String())
	}
	if l.t.Failed() {
		l.t.Logf("skiff log:\n%s", l.proxyLog.String())
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
