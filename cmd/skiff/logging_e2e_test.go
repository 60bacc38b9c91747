package main

import (
	"encoding/json"
	"strings"
	"syscall"
	"testing"
)

func TestLogFlagsRejected(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"-l bogus", []string{"-l", "bogus"}, `skiff proxy: -l "bogus": use debug, info, warn or error`},
		{"--log-level bogus", []string{"--log-level", "bogus"}, `skiff proxy: -l "bogus": use debug, info, warn or error`},
		{"--log-format xml", []string{"--log-format", "xml"}, `skiff proxy: --log-format "xml": use text or json`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runSkiff(t, append([]string{"proxy", "-c", "testdata/base.yaml"}, tc.args...)...)
			if code != 2 {
				t.Errorf("exit code %d, want 2\nstderr:\n%s", code, stderr)
			}
			checkOutput(t, "stdout", stdout, "", false)
			checkOutput(t, "stderr", stderr, tc.want, false)
		})
	}
}

func TestLogLevel(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		args      []string
		level     string // as /logging shows it
		debugLogs bool   // whether debug lines reach stderr
	}{
		{"default", nil, "info", false},
		{"-l debug", []string{"-l", "debug"}, "debug", true},
		{"--log-level warn", []string{"--log-level", "warn"}, "warn", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Above info the admin address is not logged, so it is chosen here.
			p := startProxyAt(t, freeAddr(t), "testdata/base.yaml", append(tc.args, "--drain-time-s", "0")...)
			if got, want := p.get("/logging"), "skiff: "+tc.level+"\n"; !strings.Contains(got, want) {
				t.Errorf("/logging = %q, want it to contain %q", got, want)
			}
			p.signal(syscall.SIGTERM)
			if code := p.waitExit(stopTimeout); code != 0 {
				t.Fatalf("exit code %d, want 0", code)
			}
			if got := strings.Contains(p.stderr.String(), "level=DEBUG"); got != tc.debugLogs {
				t.Errorf("debug lines in stderr: %v, want %v", got, tc.debugLogs)
			}
		})
	}
}

// TestLogFormatJSON: with --log-format json every line on stderr, from start to stop, is a JSON
// object with slog's time, level and msg.
func TestLogFormatJSON(t *testing.T) {
	t.Parallel()
	p := startProxy(t, "testdata/base.yaml", "--log-format", "json", "--drain-time-s", "0")
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(stopTimeout); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	var msgs []string
	for line := range strings.Lines(p.stderr.String()) {
		var rec struct {
			Time, Level, Msg string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Time == "" || rec.Level == "" || rec.Msg == "" {
			t.Errorf("not a JSON log record (%v): %q", err, line)
			continue
		}
		msgs = append(msgs, rec.Msg)
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"listener started", "skiff is live", "draining", "skiff stopped"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no %q record; records:\n%s", want, joined)
		}
	}
}
