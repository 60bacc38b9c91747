package interception

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// nsRunner runs commands inside a network namespace with `ip netns exec`.
type nsRunner struct{ ns string }

func (r nsRunner) Run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath(name); err != nil {
		return nil, &CommandError{Command: commandLine(name, args), Err: err}
	}
	return ExecRunner{}.Run(ctx, stdin, "ip", append([]string{"netns", "exec", r.ns, name}, args...)...)
}

var countersRE = regexp.MustCompile(`\[\d+:\d+\]`)

// snapshot returns the namespace's iptables rules (every backend present, both families,
// comments and counters stripped), policy rules and routes of every table, for comparing
// before install with after uninstall.
func snapshot(t *testing.T, ns string) string {
	t.Helper()
	var b strings.Builder
	for _, save := range []string{"iptables-save", "ip6tables-save", "iptables-nft-save", "ip6tables-nft-save",
		"iptables-legacy-save", "ip6tables-legacy-save"} {
		if _, err := exec.LookPath(save); err != nil {
			continue
		}
		out, err := exec.Command("ip", "netns", "exec", ns, save).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", save, err, out)
		}
		b.WriteString("== " + save + "\n")
		for line := range strings.Lines(string(out)) {
			if !strings.HasPrefix(line, "#") {
				b.WriteString(countersRE.ReplaceAllString(line, "[]"))
			}
		}
	}
	for _, args := range [][]string{
		{"-4", "rule", "show"}, {"-6", "rule", "show"},
		{"-4", "route", "show", "table", "all"}, {"-6", "route", "show", "table", "all"},
	} {
		out, err := exec.Command("ip", append([]string{"-n", ns}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		b.WriteString("== ip " + strings.Join(args, " ") + "\n" + string(out))
	}
	return b.String()
}

// addForeignRules adds mangle rules of another owner in both families, which must survive.
func addForeignRules(t *testing.T, ns, iptables, ip6tables string) {
	t.Helper()
	for _, cmd := range []string{iptables, ip6tables} {
		for _, chain := range []string{"PREROUTING", "OUTPUT"} {
			out, err := exec.Command("ip", "netns", "exec", ns, cmd, "-t", "mangle", "-A", chain,
				"-p", "udp", "--dport", "9", "-j", "RETURN").CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", cmd, err, out)
			}
		}
	}
}

// diffLines returns the lines only in a and only in b, for failure messages.
func diffLines(a, b string) string {
	in := func(s string) map[string]int {
		m := map[string]int{}
		for l := range strings.Lines(s) {
			m[l]++
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out strings.Builder
	for l := range strings.Lines(a) {
		if mb[l] == 0 {
			out.WriteString("- " + l)
		}
	}
	for l := range strings.Lines(b) {
		if ma[l] == 0 {
			out.WriteString("+ " + l)
		}
	}
	return out.String()
}
