package interception

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenCases are the common flag combinations, as command lines of `skiff intercept`.
var goldenCases = []struct {
	name   string
	args   []string
	fams   []Family
	remove bool
}{
	{name: "defaults", args: nil, fams: []Family{IPv4, IPv6}},
	{name: "defaults_ipv4_only", args: nil, fams: []Family{IPv4}},
	{name: "istio_like", fams: []Family{IPv4, IPv6}, args: []string{
		"--exclude-inbound-ports", "15020", "--exclude-outbound-ports", "22,8443",
		"--exclude-outbound-cidrs", "10.200.0.3/32,fd00:200::3/128"}},
	{name: "inbound_port_list", fams: []Family{IPv4}, args: []string{
		"--inbound-ports", "8080,9090,20880"}},
	{name: "no_inbound", fams: []Family{IPv4}, args: []string{"--inbound-ports", ""}},
	{name: "outbound_cidrs", fams: []Family{IPv4, IPv6}, args: []string{
		"--outbound-cidrs", "10.0.0.0/8", "--outbound-cidrs", "fd00::/8,192.168.0.0/16",
		"--exclude-outbound-cidrs", "10.96.0.1"}},
	{name: "uids_gids_marks", fams: []Family{IPv4}, args: []string{
		"--proxy-uid", "1337,1338", "--proxy-gid", "1337", "--capture-mark", "0x1000",
		"--bypass-mark", "0x2000", "--route-table", "200", "--outbound-port", "16001", "--inbound-port", "16006"}},
	{name: "many_ports", fams: []Family{IPv4}, args: []string{
		"--exclude-inbound-ports", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20",
		"--exclude-outbound-ports", "101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116"}},
	{name: "uninstall", args: nil, fams: []Family{IPv4, IPv6}, remove: true},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			o := parseOptions(t, tc.args...)
			got := DryRun(&o, tc.fams, BackendDefault, tc.remove)
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("DryRun differs from %s (go test -update rewrites it):\n%s", path, got)
			}
		})
	}
}

// parseOptions returns the default options changed by flags, validated.
func parseOptions(t *testing.T, args ...string) Options {
	t.Helper()
	o := DefaultOptions()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	o.Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("validate %q: %v", args, err)
	}
	return o
}
