package proc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// Spec describes a process to start.
type Spec struct {
	// Path and Args are the program and its arguments (without argv[0]).
	Path string
	Args []string
	// Env is added to the current environment.
	Env []string
	// CPU pins the process, all its threads and its children to one CPU
	// with `taskset -c CPU`; taskset execs the program, so the PID is the
	// program's own. A negative CPU leaves the process unpinned.
	CPU int
	// Stdin is the process's input; nil is the null device. An *os.File
	// (such as a pipe's read end) is passed as is.
	Stdin io.Reader
	// Stdout and Stderr receive the process's output; nil discards it.
	Stdout, Stderr io.Writer
}

// Process is a started process. Its methods may be called from any goroutine.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set before done is closed
}

// Start starts s. The caller must call Stop (or wait for Done) to reap it.
func Start(s Spec) (*Process, error) {
	path, args := s.Path, s.Args
	if s.CPU >= 0 {
		path, args = "taskset", append([]string{"-c", strconv.Itoa(s.CPU), s.Path}, s.Args...)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), s.Env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.Stdin, s.Stdout, s.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("proc: start %s: %w", s.Path, err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process ID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited and its output is copied.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is the exit status; valid after Done is closed.
func (p *Process) Err() error {
	<-p.done
	return p.err
}

// Stop sends SIGTERM, waits up to grace, then sends SIGKILL. It returns
// nil if the process exited, whatever its status, because a stopped
// process's exit status says nothing about the benchmark.
func (p *Process) Stop(grace time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("proc: SIGTERM %d: %w", p.Pid(), err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
		return fmt.Errorf("proc: %d did not exit after SIGKILL", p.Pid())
	}
}
