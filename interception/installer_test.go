package interception

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// newInstaller returns an IPv4-only installer with the default options.
func newInstaller(r Runner) *Installer {
	o := DefaultOptions()
	o.IPv6 = Off
	return &Installer{Options: o, Runner: r}
}

// changes returns the calls that change something (everything but reads).
func changes(calls []string) []string {
	var out []string
	for _, c := range calls {
		if strings.Contains(c, "-restore") || strings.Contains(c, " add ") || strings.Contains(c, " del ") ||
			strings.Contains(c, " replace ") {
			out = append(out, c)
		}
	}
	return out
}

func TestInstallClean(t *testing.T) {
	r := cleanNamespace()
	in := newInstaller(r)
	if err := in.Install(context.Background()); err != nil {
		t.Fatal(err)
	}
	o := in.Options
	want := []string{
		"ip -4 rule add fwmark 0x400/0x400 lookup 133 pref 100",
		"ip -4 route replace local 0.0.0.0/0 dev lo table 133",
		"iptables-nft-restore --noflush <<\n" + InstallRules(&o, IPv4, Saved{}),
	}
	if got := changes(r.calls); !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestInstallTwiceAddsNothing(t *testing.T) {
	r := installedNamespace()
	in := newInstaller(r)
	if err := in.Install(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := changes(r.calls)
	if len(got) != 2 || !strings.HasPrefix(got[0], "ip -4 route replace") {
		t.Fatalf("changes = %q, want the route replace and the restore", got)
	}
	if strings.Contains(got[1], "-A PREROUTING") || strings.Contains(got[1], "-A OUTPUT") {
		t.Errorf("second install adds a jump again:\n%s", got[1])
	}
	if !strings.Contains(got[1], ":SKIFF_OUTPUT - [0:0]") {
		t.Errorf("second install does not rewrite Skiff's chains:\n%s", got[1])
	}
}

func TestInstallMissingTPROXYRollsBack(t *testing.T) {
	r := cleanNamespace()
	r.fail = map[string]string{"iptables-nft-restore --noflush": "iptables-nft-restore v1.8.9 (nf_tables): " +
		"Couldn't load target `TPROXY':No such file or directory\n\nError occurred at line: 10\n"}
	in := newInstaller(r)
	err := in.Install(context.Background())
	if !errors.Is(err, ErrNoTPROXY) {
		t.Fatalf("err = %v, want ErrNoTPROXY", err)
	}
	if !strings.Contains(err.Error(), "-j TPROXY --on-port 15001") {
		t.Errorf("error does not quote the failing rule: %v", err)
	}
	got := changes(r.calls)
	wantTail := []string{
		"ip -4 route del local 0.0.0.0/0 dev lo table 133",
		"ip -4 rule del fwmark 0x400/0x400 lookup 133 pref 100",
	}
	if len(got) < 2 || !slices.Equal(got[len(got)-2:], wantTail) {
		t.Errorf("rollback = %q, want it to end with %q", got, wantTail)
	}
}

func TestInstallMissingSocketMatch(t *testing.T) {
	r := cleanNamespace()
	r.fail = map[string]string{"iptables-nft-restore --noflush": "iptables-nft-restore v1.8.9 (nf_tables): " +
		"Couldn't load match `socket':No such file or directory\n\nError occurred at line: 9\n"}
	err := newInstaller(r).Install(context.Background())
	if !errors.Is(err, ErrNoSocketMatch) {
		t.Fatalf("err = %v, want ErrNoSocketMatch", err)
	}
}

func TestInstallNoIPTables(t *testing.T) {
	r := &fakeRunner{}
	err := newInstaller(r).Install(context.Background())
	if !errors.Is(err, ErrNoIPTables) {
		t.Fatalf("err = %v, want ErrNoIPTables", err)
	}
}

func TestUninstall(t *testing.T) {
	r := installedNamespace()
	if err := newInstaller(r).Uninstall(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"iptables-nft-restore --noflush <<\n*mangle\n" +
			"-D PREROUTING -p tcp -j SKIFF_PREROUTING\n-D OUTPUT -p tcp -j SKIFF_OUTPUT\n" +
			"-F SKIFF_PREROUTING\n-F SKIFF_OUTPUT\n-F SKIFF_DIVERT\n" +
			"-X SKIFF_PREROUTING\n-X SKIFF_OUTPUT\n-X SKIFF_DIVERT\nCOMMIT\n",
		"ip -4 rule del fwmark 0x400/0x400 lookup 133 pref 100",
		"ip -4 route del local 0.0.0.0/0 dev lo table 133",
	}
	if got := changes(r.calls); !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUninstallNothingInstalled(t *testing.T) {
	r := cleanNamespace()
	if err := newInstaller(r).Uninstall(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := changes(r.calls); len(got) != 0 {
		t.Errorf("changes = %q, want none", got)
	}
}

func TestUninstallMissingIPv6Table(t *testing.T) {
	r := cleanNamespace()
	r.out["ip -j -6 rule show"] = `[]`
	r.out["ip6tables-nft-save"] = ""
	r.out["ip6tables-nft-save -t mangle"] = ""
	r.fail = map[string]string{"ip -j -6 route show table 133": "Error: ipv6: FIB table does not exist.\nDump terminated\n"}
	in := newInstaller(r)
	in.Options.IPv6 = On
	if err := in.Uninstall(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestFamilies(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Toggle
		has  bool
		want []Family
	}{
		{"on", On, false, []Family{IPv4, IPv6}},
		{"off", Off, true, []Family{IPv4}},
		{"auto with IPv6", Auto, true, []Family{IPv4, IPv6}},
		{"auto without IPv6", Auto, false, []Family{IPv4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Installer{Options: DefaultOptions(), HasIPv6: func() bool { return tc.has }}
			in.Options.IPv6 = tc.t
			if got := in.Families(); !slices.Equal(got, tc.want) {
				t.Errorf("Families() = %v, want %v", got, tc.want)
			}
		})
	}
}
