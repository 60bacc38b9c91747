package interop

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// skiffProc is a running `skiff proxy` started from a generated bootstrap.
type skiffProc struct {
	t     *testing.T
	admin string // http://127.0.0.1:PORT
	cmd   *exec.Cmd
	out   *syncBuffer
	done  chan struct{}
}

// startSkiff writes b as the bootstrap (JSON, which is YAML) and runs `skiff proxy` with it and
// args until /ready answers 200. The process is killed at the end of the test.
func startSkiff(t *testing.T, b *bootstrap, args ...string) *skiffProc {
	t.Helper()
	adminAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	text, err := json.Marshal(b.object(adminAddr))
	if err != nil {
		t.Fatal(err)
	}
	return startSkiffText(t, text, adminAddr, args...)
}

// startSkiffText is startSkiff with the bootstrap's text, whose admin address is adminAddr.
func startSkiffText(t *testing.T, text []byte, adminAddr string, args ...string) *skiffProc {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bootstrap.yaml")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	p := &skiffProc{t: t, admin: "http://" + adminAddr, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(skiffBin, append([]string{"proxy", "-c", path}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start skiff: %v", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if strings.Contains(p.out.String(), "WARNING: DATA RACE") {
			t.Error("skiff reported a data race")
		}
		if t.Failed() {
			t.Logf("skiff output:\n%s\nbootstrap:\n%s", p.out, text)
		}
	})
	p.waitReady(15 * time.Second)
	return p
}

// exited returns the exit code once the process has ended within timeout; ok is false if it is
// still running.
func (p *skiffProc) exited(timeout time.Duration) (code int, ok bool) {
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(timeout):
		return 0, false
	}
}

// kill kills the process (if it is still running) and waits for it to exit.
func (p *skiffProc) kill() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// waitReady polls GET /ready until it answers 200.
func (p *skiffProc) waitReady(timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		code, body, err := p.get("/ready")
		if err == nil && code == http.StatusOK {
			return
		}
		select {
		case <-p.done:
			p.t.Fatalf("skiff exited while starting")
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("skiff /ready: %d %v %s", code, err, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// get sends one admin GET.
func (p *skiffProc) get(path string) (int, string, error) {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(p.admin + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// stat returns the value of the counter or gauge name from GET /stats (text format), or -1.
func (p *skiffProc) stat(name string) int64 {
	p.t.Helper()
	_, body, err := p.get("/stats")
	if err != nil {
		p.t.Fatalf("GET /stats: %v", err)
	}
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+": "); ok {
			var n int64
			if _, err := fmt.Sscan(v, &n); err == nil {
				return n
			}
		}
	}
	return -1
}

// waitStat polls the stat name until it equals want.
func waitStat(t *testing.T, p *skiffProc, name string, want int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		n := p.stat(name)
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %d after %v, want %d", name, n, timeout, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runSkiffCommand runs skiff with args to completion and returns its combined output.
func runSkiffCommand(args ...string) (string, error) {
	out, err := exec.Command(skiffBin, args...).CombinedOutput()
	return string(out), err
}
