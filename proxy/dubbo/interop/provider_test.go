package interop

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// providerProc is a Greeter provider running in a child process (this test binary re-executed).
type providerProc struct {
	name string
	addr string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// startProvider starts a provider named name on a free port and waits until it accepts
// connections. It is killed at the end of the test.
func startProvider(t *testing.T, name string) *providerProc {
	t.Helper()
	return startProviderOn(t, name, freePort(t))
}

// startProviderOn is startProvider on a given port.
func startProviderOn(t *testing.T, name string, port int) *providerProc {
	t.Helper()
	p := &providerProc{name: name, addr: fmt.Sprintf("127.0.0.1:%d", port), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append(os.Environ(), EnvProviderInstance+"="+name, fmt.Sprintf("%s=%d", EnvProviderPort, port))
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start provider %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("provider %s output:\n%s", name, p.out)
		}
	})
	waitDial(t, p.addr, p.done, 20*time.Second)
	return p
}

// stop kills the provider (if it is still running) and waits for it to exit.
func (p *providerProc) stop() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// waitDial polls until addr accepts a TCP connection; it fails the test if exited is closed first
// or timeout passes.
func waitDial(t *testing.T, addr string, exited <-chan struct{}, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("process exited before %s accepted connections", addr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not accept connections within %v: %v", addr, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// newConsumer returns a consumer of addr with a 3 s call timeout.
func newConsumer(t *testing.T, addr string) *Consumer {
	t.Helper()
	c, err := NewConsumer(addr, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncBuffer collects a child process's output; it may be read while the process writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
