package server

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// childEnv names the scenario a re-executed test binary runs.
const childEnv = "SKIFF_TEST_CHILD"

// startChild re-runs this test binary as a separate process running the
// test named test with childEnv=scenario, so that process-wide measurements
// (RSS, file descriptor limits) are the scenario's own. It returns the
// process, a line reader on its stdout and a writer to its stdin.
func startChild(t *testing.T, test, scenario string, env ...string) (*exec.Cmd, *bufio.Scanner, *os.File) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), childEnv+"="+scenario), env...)
	cmd.Stderr = testWriter{t}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = inR
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = inR.Close()
	t.Cleanup(func() {
		_ = inW.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, bufio.NewScanner(out), inW
}

// expectLine reads lines until one starts with prefix and returns the rest.
func expectLine(t *testing.T, sc *bufio.Scanner, prefix string, timeout time.Duration) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				got <- rest
				return
			}
		}
		close(got)
	}()
	select {
	case line, ok := <-got:
		if !ok {
			t.Fatalf("child exited before printing %q", prefix)
		}
		return strings.TrimSpace(line)
	case <-time.After(timeout):
		t.Fatalf("child did not print %q within %v", prefix, timeout)
	}
	return ""
}

// vmRSS returns the named field (VmRSS, VmHWM) of this process in bytes.
func procStatusBytes(field string) (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/self/status", field)
}
