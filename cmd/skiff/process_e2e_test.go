package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// e2eProc is a child process started by a test, with its output captured. The test's cleanup
// kills it if it is still running and, when the test failed, logs what it wrote to stderr.
type e2eProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout *e2eLog
	stderr *e2eLog
	exited chan struct{} // closed once the process has exited and its output has been read
	code   int           // exit code (-1 for killed by a signal); valid once exited is closed
}

// startProc starts bin with args.
func startProc(t *testing.T, bin string, args ...string) *e2eProc {
	t.Helper()
	p := &e2eProc{t: t, stdout: newE2ELog(), stderr: newE2ELog(), exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", filepath.Base(bin), err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("%s %q exited with %d; stderr:\n%s", filepath.Base(bin), args, p.code, p.stderr)
		}
	})
	return p
}

// signal sends sig to the process.
func (p *e2eProc) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("send %v: %v", sig, err)
	}
}

// running reports whether the process has not exited yet.
func (p *e2eProc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// waitExit waits up to timeout for the process to exit and returns its exit code.
func (p *e2eProc) waitExit(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(timeout):
		p.t.Fatalf("process still running after %v; stderr:\n%s", timeout, p.stderr)
		return 0
	}
}

// waitStderr waits up to timeout for stderr to match re and returns the submatches. It fails the
// test if the process exits first.
func (p *e2eProc) waitStderr(re *regexp.Regexp, timeout time.Duration) []string {
	p.t.Helper()
	m, ok := p.waitStderrOrExit(re, timeout)
	if !ok {
		p.t.Fatalf("process exited with %d before stderr matched %q", p.code, re)
	}
	return m
}

// waitStderrOrExit waits up to timeout for stderr to match re and returns the submatches, or
// returns false if the process exits first. It fails the test on timeout.
func (p *e2eProc) waitStderrOrExit(re *regexp.Regexp, timeout time.Duration) ([]string, bool) {
	p.t.Helper()
	deadline := time.After(timeout)
	for {
		text, changed := p.stderr.next()
		if m := re.FindStringSubmatch(text); m != nil {
			return m, true
		}
		select {
		case <-changed:
		case <-p.exited:
			m := re.FindStringSubmatch(p.stderr.String())
			return m, m != nil
		case <-deadline:
			p.t.Fatalf("stderr did not match %q within %v", re, timeout)
		}
	}
}

// e2eLog collects a process's output; it may be read while the process writes.
type e2eLog struct {
	mu      sync.Mutex
	buf     []byte
	changed chan struct{} // closed and replaced on every Write
}

func newE2ELog() *e2eLog { return &e2eLog{changed: make(chan struct{})} }

// Write appends p and wakes every waiter.
func (l *e2eLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	close(l.changed)
	l.changed = make(chan struct{})
	return len(p), nil
}

// String returns everything written so far.
func (l *e2eLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

// next returns everything written so far and a channel closed by the next Write.
func (l *e2eLog) next() (string, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf), l.changed
}
