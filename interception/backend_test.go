package interception

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestDetectBackend(t *testing.T) {
	const rules = "*mangle\n-A PREROUTING -p udp -j RETURN\nCOMMIT\n*filter\n-A INPUT -j ACCEPT\nCOMMIT\n"
	for _, tc := range []struct {
		name    string
		out     map[string]string
		fail    map[string]string
		want    Backend
		wantErr error
	}{
		{name: "only nft exists", out: map[string]string{"iptables-nft-save": ""}, want: BackendNFT},
		{name: "only legacy exists", out: map[string]string{"iptables-legacy-save": ""}, want: BackendLegacy},
		{name: "legacy holds rules", want: BackendLegacy,
			out: map[string]string{"iptables-nft-save": "", "iptables-legacy-save": rules}},
		{name: "nft holds more rules", want: BackendNFT,
			out: map[string]string{"iptables-nft-save": rules, "iptables-legacy-save": "*mangle\n-A X -j Y\nCOMMIT\n"}},
		{name: "Skiff's chains win over more rules", want: BackendLegacy,
			out: map[string]string{"iptables-nft-save": rules + rules, "iptables-legacy-save": installedMangle}},
		{name: "empty: iptables says legacy", want: BackendLegacy, out: map[string]string{
			"iptables-nft-save": "", "iptables-legacy-save": "", "iptables --version": "iptables v1.8.9 (legacy)\n"}},
		{name: "empty: iptables says nf_tables", want: BackendNFT, out: map[string]string{
			"iptables-nft-save": "", "iptables-legacy-save": "", "iptables --version": "iptables v1.8.9 (nf_tables)\n"}},
		{name: "no variant commands", out: map[string]string{"iptables-save": ""}, want: BackendDefault},
		{name: "nothing", wantErr: ErrNoIPTables},
		{name: "not root", fail: map[string]string{"iptables-nft-save": "Permission denied (you must be root)"},
			wantErr: &CommandError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeRunner{out: tc.out, fail: tc.fail}
			got, err := DetectBackend(context.Background(), r, []Family{IPv4})
			var ce *CommandError
			switch {
			case tc.wantErr == ErrNoIPTables && !errors.Is(err, ErrNoIPTables):
				t.Errorf("err = %v, want ErrNoIPTables", err)
			case tc.wantErr != nil && tc.wantErr != ErrNoIPTables && !errors.As(err, &ce):
				t.Errorf("err = %v, want the failed command", err)
			case tc.wantErr == nil && (err != nil || got != tc.want):
				t.Errorf("DetectBackend = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestBackendCommand(t *testing.T) {
	for _, tc := range []struct {
		b    Backend
		f    Family
		tool string
		want string
	}{
		{BackendNFT, IPv4, "restore", "iptables-nft-restore"},
		{BackendLegacy, IPv6, "save", "ip6tables-legacy-save"},
		{BackendDefault, IPv6, "restore", "ip6tables-restore"},
	} {
		if got := tc.b.Command(tc.f, tc.tool); got != tc.want {
			t.Errorf("%v.Command(%v, %s) = %s, want %s", tc.b, tc.f, tc.tool, got, tc.want)
		}
	}
}

func TestDiagnoseRestore(t *testing.T) {
	o := DefaultOptions()
	input := InstallRules(&o, IPv4, Saved{})
	for _, tc := range []struct {
		name, stderr string
		want         error
		quote        string
	}{
		{"TPROXY by line", "iptables-restore: line 10 failed\n", ErrNoTPROXY, "-j TPROXY --on-port 15001"},
		{"TPROXY by name", "Couldn't load target `TPROXY':No such file or directory\n", ErrNoTPROXY, ""},
		{"socket by line", "Error occurred at line: 9\n", ErrNoSocketMatch, "-m socket --transparent"},
		{"socket by name", "Couldn't load match `socket':No such file or directory\n", ErrNoSocketMatch, ""},
		{"other line", "Error occurred at line: 15\n", nil, "--uid-owner 1337"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := diagnoseRestore(IPv4, input, &CommandError{Command: "iptables-restore", Stderr: tc.stderr,
				Err: errors.New("exit status 2")})
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if tc.quote != "" && !strings.Contains(err.Error(), tc.quote) {
				t.Errorf("err = %v, want it to quote %q", err, tc.quote)
			}
		})
	}
}
