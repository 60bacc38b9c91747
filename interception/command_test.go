package interception

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandDryRunMatchesGolden(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		args         []string
	}{
		{"install", "istio_like.golden", []string{"--dry-run", "--ipv6", "--exclude-inbound-ports", "15020",
			"--exclude-outbound-ports", "22,8443", "--exclude-outbound-cidrs", "10.200.0.3/32,fd00:200::3/128"}},
		{"install word and flags after it", "defaults_ipv4_only.golden", []string{"install", "--dry-run", "--ipv6=false"}},
		{"uninstall", "uninstall.golden", []string{"uninstall", "--ipv6=true", "--dry-run"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeRunner{}
			var stdout, stderr bytes.Buffer
			if code := Command(tc.args, r, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			want, err := os.ReadFile(filepath.Join("testdata", tc.golden))
			if err != nil {
				t.Fatal(err)
			}
			if stdout.String() != string(want) {
				t.Errorf("output differs from %s:\n%s", tc.golden, stdout.String())
			}
			if len(r.calls) != 0 {
				t.Errorf("a dry run ran commands: %q", r.calls)
			}
		})
	}
}

func TestCommandUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no action", nil, 2, "say install or uninstall"},
		{"unknown action", []string{"remove"}, 2, `unknown action "remove"`},
		{"two actions", []string{"install", "uninstall"}, 2, "unexpected arguments"},
		{"bad flag", []string{"install", "--capture-mark", "0x3"}, 2, "--capture-mark: 0x3 must be a single bit"},
		{"bad port", []string{"install", "--exclude-inbound-ports", "80,x"}, 2, `port "x"`},
		{"help", []string{"-h"}, 0, "-proxy-uid"},
		{"mark warning", []string{"--dry-run", "--capture-mark", "0x4000"}, 0, "kube-proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Command(tc.args, &fakeRunner{}, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
}

func TestCommandInstall(t *testing.T) {
	r := cleanNamespace()
	var stdout, stderr bytes.Buffer
	if code := Command([]string{"install", "--ipv6=false"}, r, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := changes(r.calls); len(got) != 3 {
		t.Errorf("changes = %q, want a rule, a route and a restore", got)
	}
	if !strings.Contains(stdout.String(), "iptables backend: nft") || !strings.HasSuffix(stdout.String(), "done\n") {
		t.Errorf("stdout = %q", stdout.String())
	}
	r.fail = map[string]string{"iptables-nft-save -t mangle": "iptables-nft-save: Permission denied (you must be root)"}
	stdout.Reset()
	stderr.Reset()
	if code := Command([]string{"install", "--ipv6=false"}, r, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "you must be root") {
		t.Errorf("exit %d, stderr %q; want 1 and the permission error", code, stderr.String())
	}
}
