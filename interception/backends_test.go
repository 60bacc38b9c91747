package interception

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestInstallerRealBackends installs, reinstalls and removes every golden flag combination with
// the real iptables of each backend in a scratch network namespace, and checks that the
// namespace ends exactly as it began, with another owner's mangle rules intact.
func TestInstallerRealBackends(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root to create network namespaces (CI runs it as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipping: ip (iproute2) not found")
	}
	for _, b := range []Backend{BackendNFT, BackendLegacy} {
		t.Run(b.String(), func(t *testing.T) {
			if _, err := exec.LookPath(b.Command(IPv4, "restore")); err != nil {
				t.Skipf("skipping: %s not found", b.Command(IPv4, "restore"))
			}
			ns := fmt.Sprintf("skbe%s%d", b, os.Getpid())
			if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
				t.Fatalf("ip netns add: %v\n%s", err, out)
			}
			t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
			if out, err := exec.Command("ip", "-n", ns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
				t.Fatalf("lo up: %v\n%s", err, out)
			}
			for _, cmd := range []string{"iptables-" + string(b), "ip6tables-" + string(b)} {
				if out, err := exec.Command("ip", "netns", "exec", ns, cmd, "-t", "mangle", "-S").CombinedOutput(); err != nil {
					t.Skipf("skipping: the kernel does not support the %s backend: %s: %v\n%s", b, cmd, err, out)
				}
			}
			addForeignRules(t, ns, "iptables-"+string(b), "ip6tables-"+string(b))
			for _, tc := range goldenCases {
				if tc.remove {
					continue
				}
				args := append([]string{"--iptables-backend", string(b), "--ipv6=" + fmt.Sprint(len(tc.fams) == 2)}, tc.args...)
				t.Run(tc.name, func(t *testing.T) { installCycle(t, ns, b, args) })
			}
			// Only this backend holds rules, so detection must pick it.
			t.Run("detected", func(t *testing.T) { installCycle(t, ns, b, []string{"--ipv6"}) })
		})
	}
}

// installCycle runs install twice and uninstall once with the flags args in namespace ns, where
// backend b is in use.
func installCycle(t *testing.T, ns string, b Backend, args []string) {
	ctx := context.Background()
	o := parseOptions(t, args...)
	in := &Installer{Options: o, Runner: nsRunner{ns}}
	before := snapshot(t, ns)
	if err := in.Install(ctx); err != nil {
		if strings.Contains(err.Error(), "not available") {
			t.Skipf("skipping: %v", err)
		}
		t.Fatalf("install: %v", err)
	}
	once := snapshot(t, ns)
	saved, err := exec.Command("ip", "netns", "exec", ns, b.Command(IPv4, "save")).CombinedOutput()
	if err != nil || !strings.Contains(string(saved), ":"+ChainPrerouting) {
		t.Fatalf("no Skiff chains in the %s backend (%v):\n%s", b, err, saved)
	}
	if !strings.Contains(once, fmt.Sprintf("lookup %d", o.RouteTable)) {
		t.Fatalf("no policy rule:\n%s", once)
	}
	if err := in.Install(ctx); err != nil {
		t.Fatalf("second install: %v", err)
	}
	if twice := snapshot(t, ns); twice != once {
		t.Errorf("second install changed the namespace:\n%s", diffLines(once, twice))
	}
	if err := in.Uninstall(ctx); err != nil {
		t.Fatalf("uninstall: %v", err)
	}
	if after := snapshot(t, ns); after != before {
		t.Errorf("uninstall did not restore the namespace:\n%s", diffLines(before, after))
	}
}
