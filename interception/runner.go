package interception

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Runner runs one command to completion: name with args, stdin as its standard input (nil for
// none). It returns the standard output; a failure (including a non-zero exit) is an error that
// carries the standard error (a *CommandError). A missing program is an error that wraps
// exec.ErrNotFound.
type Runner interface {
	Run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error)
}

// CommandError is a command that failed.
type CommandError struct {
	// Command is the command line.
	Command string
	// Stderr is what the command wrote to its standard error.
	Stderr string
	// Err is the underlying error (an *exec.ExitError, or one wrapping exec.ErrNotFound).
	Err error
}

// Error returns the command, the error and the standard error.
func (e *CommandError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Command, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

// Unwrap returns Err.
func (e *CommandError) Unwrap() error { return e.Err }

// ExecRunner runs commands with os/exec, found in $PATH.
type ExecRunner struct{}

// Run implements Runner.
func (ExecRunner) Run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &CommandError{Command: commandLine(name, args), Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}

// commandLine formats a command for messages.
func commandLine(name string, args []string) string {
	return strings.Join(append([]string{name}, args...), " ")
}

// notFound reports whether err says the program does not exist.
func notFound(err error) bool {
	return errors.Is(err, exec.ErrNotFound)
}
