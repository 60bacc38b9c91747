package main

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runTimeout bounds a skiff command that is expected to return on its own.
const runTimeout = 20 * time.Second

// runSkiff runs the skiff binary to completion and returns its exit code and output.
func runSkiff(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e2eBins.skiff, args...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("skiff %q still running after %v; stderr:\n%s", args, runTimeout, errOut.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("skiff %q: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

func TestCLIArguments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring of stdout ("" = stdout must be empty)
		stderr     string // substring of stderr ("" = stderr must be empty)
		exactOut   bool   // stdout must equal the stdout field
		skipStderr bool   // stderr is not checked
	}{
		{name: "version", args: []string{"version"}, stdout: "skiff " + version + "\n", exactOut: true},
		{name: "--version", args: []string{"--version"}, stdout: "skiff " + version + "\n", exactOut: true},
		{name: "help", args: []string{"help"}, stdout: "usage: skiff <command>"},
		{name: "no command", args: nil, code: 2, stderr: "usage: skiff <command>"},
		{name: "unknown command", args: []string{"bogus"}, code: 2, stderr: `skiff: unknown command "bogus"` + "\nusage: skiff <command>"},
		{name: "proxy without -c", args: []string{"proxy"}, code: 2, stderr: "skiff proxy: a bootstrap is required: -c FILE"},
		{name: "validate without -c", args: []string{"validate"}, code: 2, stderr: "skiff validate: a bootstrap is required: -c FILE"},
		{name: "proxy -h", args: []string{"proxy", "-h"}, stderr: "-drain-time-s"},
		{name: "proxy unknown flag", args: []string{"proxy", "--no-such-flag"}, code: 2, stderr: "flag provided but not defined: -no-such-flag"},
		{name: "proxy bad flag value", args: []string{"proxy", "-c", "x", "--drain-time-s", "soon"}, code: 2, stderr: `invalid value "soon" for flag -drain-time-s`},
		{name: "proxy extra argument", args: []string{"proxy", "-c", "testdata/base.yaml", "extra"}, code: 2, stderr: "unexpected arguments: [extra]"},
		{name: "proxy missing file", args: []string{"proxy", "-c", "testdata/no-such-file.yaml"}, code: 1, stderr: "no-such-file.yaml: no such file or directory"},
		{name: "validate bad admin address", args: []string{"validate", "-c", "testdata/base.yaml", "--admin-address", "localhost:15000"}, code: 1, stderr: "skiff validate: --admin-address: "},
		{name: "validate base", args: []string{"validate", "-c", "testdata/base.yaml"}, stdout: "configuration 'testdata/base.yaml' OK: 1 listeners, 1 clusters\n", exactOut: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runSkiff(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			checkOutput(t, "stdout", stdout, tc.stdout, tc.exactOut)
			if !tc.skipStderr {
				checkOutput(t, "stderr", stderr, tc.stderr, false)
			}
		})
	}
}

// checkOutput checks that got contains want (equals it if exact); an empty want means got must be
// empty.
func checkOutput(t *testing.T, name, got, want string, exact bool) {
	t.Helper()
	switch {
	case want == "" && got != "":
		t.Errorf("%s should be empty, got:\n%s", name, got)
	case exact && got != want:
		t.Errorf("%s = %q, want %q", name, got, want)
	case !strings.Contains(got, want):
		t.Errorf("%s does not contain %q:\n%s", name, want, got)
	}
}

func TestValidateExampleBootstrap(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "examples", "bootstrap.yaml")
	code, stdout, stderr := runSkiff(t, "validate", "-c", path)
	if code != 0 {
		t.Fatalf("exit code %d, want 0\nstderr:\n%s", code, stderr)
	}
	want := "configuration '" + path + "' OK: 3 listeners, 2 clusters\n"
	if stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	if stderr != "" {
		t.Errorf("stderr should be empty, got:\n%s", stderr)
	}
}

// TestRejectedBootstraps runs `validate` and `proxy` on bootstraps that set something Skiff does
// not implement or that do not decode: both must exit 1 with the same message, naming the field.
func TestRejectedBootstraps(t *testing.T) {
	t.Parallel()
	const (
		listener = `listener "echo": static_resources.listeners[0].`
		cluster  = `cluster "upstream": static_resources.clusters[0].`
	)
	cases := []struct {
		file string // in testdata/
		want string // substring of the message
	}{
		{"reject_tcp_proxy_access_log.yaml", listener + "filter_chains[0].filters[0].typed_config.access_log: not supported"},
		{"reject_listener_filters.yaml", listener + "listener_filters[0].typed_config.enable_ja3_fingerprinting: not supported"},
		{"reject_cluster_eds.yaml", cluster + "eds_cluster_config: required for type EDS"},
		{"reject_lb_maglev.yaml", cluster + "lb_policy: MAGLEV not supported"},
		{"reject_unknown_key.yaml", `unknown field "no_such_field"`},
		{"reject_bad_duration.yaml", `invalid google.protobuf.Duration value "one second"`},
	}
	for _, tc := range cases {
		t.Run(strings.TrimSuffix(tc.file, ".yaml"), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", tc.file)
			msgs := map[string]string{}
			for _, cmd := range []string{"validate", "proxy"} {
				code, stdout, stderr := runSkiff(t, cmd, "-c", path)
				if code != 1 {
					t.Errorf("%s: exit code %d, want 1\nstdout:\n%s\nstderr:\n%s", cmd, code, stdout, stderr)
				}
				if stdout != "" {
					t.Errorf("%s: stdout should be empty, got:\n%s", cmd, stdout)
				}
				if !strings.Contains(stderr, tc.want) {
					t.Errorf("%s: stderr does not contain %q:\n%s", cmd, tc.want, stderr)
				}
				msgs[cmd] = strings.TrimPrefix(stderr, "skiff "+cmd+": ")
			}
			if msgs["validate"] != msgs["proxy"] {
				t.Errorf("validate and proxy disagree:\nvalidate: %s\nproxy:    %s", msgs["validate"], msgs["proxy"])
			}
		})
	}
}
