package interception

import (
	"errors"
	"flag"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want func(o *Options)
	}{
		{"defaults", nil, func(*Options) {}},
		{"uids replace the default, then add", []string{"--proxy-uid", "1000,1001", "--proxy-uid", "1002"},
			func(o *Options) { o.ProxyUIDs = []uint32{1000, 1001, 1002} }},
		{"gid", []string{"--proxy-gid", "1337"}, func(o *Options) { o.ProxyGIDs = []uint32{1337} }},
		{"inbound list", []string{"--inbound-ports", "8080, 9090"},
			func(o *Options) { o.InboundPorts = PortSet{Ports: []uint16{8080, 9090}} }},
		{"no inbound", []string{"--inbound-ports", ""}, func(o *Options) { o.InboundPorts = PortSet{} }},
		{"outbound CIDRs add up", []string{"--outbound-cidrs", "10.0.0.0/8", "--outbound-cidrs", "fd00::/8"},
			func(o *Options) {
				o.OutboundCIDRs = CIDRSet{Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"),
					netip.MustParsePrefix("fd00::/8")}}
			}},
		{"bare address and host bits", []string{"--exclude-outbound-cidrs", "10.96.0.1,10.1.2.3/8"},
			func(o *Options) {
				o.ExcludeOutboundCIDRs = []netip.Prefix{netip.MustParsePrefix("10.96.0.1/32"),
					netip.MustParsePrefix("10.0.0.0/8")}
			}},
		{"marks and table", []string{"--capture-mark", "0x1000", "--bypass-mark", "8192", "--route-table", "200"},
			func(o *Options) { o.CaptureMark, o.BypassMark, o.RouteTable = 0x1000, 0x2000, 200 }},
		{"ipv6 bare", []string{"--ipv6"}, func(o *Options) { o.IPv6 = On }},
		{"ipv6 false", []string{"--ipv6=false"}, func(o *Options) { o.IPv6 = Off }},
		{"ipv6 auto", []string{"--ipv6=auto"}, func(o *Options) { o.IPv6 = Auto }},
		{"ports", []string{"--outbound-port", "16001", "--inbound-port", "16006"},
			func(o *Options) { o.OutboundPort, o.InboundPort = 16001, 16006 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseOptions(t, tc.args...)
			want := DefaultOptions()
			tc.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct{ name, flag, value, want string }{
		{"port zero", "exclude-inbound-ports", "0", `port "0"`},
		{"port too big", "outbound-port", "70000", `port "70000"`},
		{"two ports", "inbound-port", "1,2", "want one port"},
		{"bad cidr", "exclude-outbound-cidrs", "10.0.0.0/33", `CIDR "10.0.0.0/33"`},
		{"bad mark", "capture-mark", "x", "want a number"},
		{"bad uid", "proxy-uid", "root", "want a numeric id"},
		{"bad toggle", "ipv6", "maybe", "want auto, true or false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(new(strings.Builder))
			o.Register(fs)
			err := fs.Parse([]string{"--" + tc.flag + "=" + tc.value})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(o *Options)
		want   string
	}{
		{"no uid or gid", func(o *Options) { o.ProxyUIDs = nil }, "--proxy-uid: at least one"},
		{"gid only", func(o *Options) { o.ProxyUIDs, o.ProxyGIDs = nil, []uint32{1337} }, ""},
		{"same ports", func(o *Options) { o.InboundPort = o.OutboundPort }, "--inbound-port: 15001 is also the outbound port"},
		{"no outbound port", func(o *Options) { o.OutboundPort = 0 }, "--outbound-port: must be"},
		{"two-bit mark", func(o *Options) { o.CaptureMark = 0x600 }, "--capture-mark: 0x600 must be a single bit"},
		{"zero mark", func(o *Options) { o.BypassMark = 0 }, "--bypass-mark: 0x0 must be a single bit"},
		{"same marks", func(o *Options) { o.BypassMark = o.CaptureMark }, "--bypass-mark: 0x400 is also the capture mark"},
		{"main table", func(o *Options) { o.RouteTable = 254 }, "--route-table: 254 is reserved"},
		{"backend", func(o *Options) { o.Backend = "iptables" }, `--iptables-backend: "iptables"`},
		{"port zero in a list", func(o *Options) { o.ExcludeOutboundPorts = []uint16{0} }, "--exclude-outbound-ports: port 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			tc.change(&o)
			err := o.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error = %v, want %q", err, tc.want)
			case err != nil && !errors.Is(err, ErrInvalidOptions):
				t.Errorf("error %v is not ErrInvalidOptions", err)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	o := DefaultOptions()
	if w := o.Warnings(); len(w) != 0 {
		t.Errorf("defaults warn: %q", w)
	}
	o.CaptureMark, o.BypassMark = 0x8000, 0x10000
	if w := o.Warnings(); len(w) != 2 || !strings.Contains(w[0], "kube-proxy") || !strings.Contains(w[1], "Calico") {
		t.Errorf("warnings = %q", w)
	}
}

func TestExcludedInboundPorts(t *testing.T) {
	o := DefaultOptions()
	o.ExcludeInboundPorts = []uint16{15020, 22, 15000}
	want := []uint16{22, 15000, 15001, 15006, 15020, 15021, 15090}
	if got := o.ExcludedInboundPorts(); !reflect.DeepEqual(got, want) {
		t.Errorf("ExcludedInboundPorts() = %v, want %v", got, want)
	}
}
