package config

import (
	"flag"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestTranslateGolden translates complete bootstraps and compares a readable dump of the result
// with testdata/<name>.golden (regenerate with -update).
func TestTranslateGolden(t *testing.T) {
	for _, tc := range []struct{ file, golden string }{
		{"minimal.yaml", "minimal.golden"},
		{"minimal.json", "minimal.golden"},
		{"full.yaml", "full.golden"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := Load(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			s, err := Translate(b)
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(s.DumpBootstrap(dumpSources(s)), b) {
				t.Error("Snapshot.Bootstrap does not dump back to the source bootstrap")
			}
			got := dumpSnapshot(s)
			path := filepath.Join("testdata", tc.golden)
			if *update && !strings.HasSuffix(tc.file, ".json") {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("translation differs from %s (run with -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

// dumpSnapshot renders everything a Snapshot carries except the source protos, one fact a line.
func dumpSnapshot(s *Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version %s\nnode %q\nadmin %s\n", s.Version, s.Node.GetId(), s.Admin.Address)
	for _, k := range slices.Sorted(maps.Keys(s.Runtime)) {
		fmt.Fprintf(&b, "runtime %s=%s\n", k, s.Runtime[k])
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(&b, "warning %s\n", w)
	}
	for _, l := range s.Listeners {
		fmt.Fprintf(&b, "listener %s %s stat_prefix=%q buffer=%d transparent=%t mark=%d\n",
			l.Name, l.Address, l.StatPrefix, l.BufferLimit, l.Transparent, l.SocketMark)
		for _, fc := range l.FilterChains {
			dumpChain(&b, "chain", fc)
		}
		if l.DefaultChain != nil {
			dumpChain(&b, "default", l.DefaultChain)
		}
	}
	for _, c := range s.Clusters {
		dumpCluster(&b, c)
	}
	return b.String()
}

func dumpChain(b *strings.Builder, kind string, fc *FilterChain) {
	m := fc.Match
	fmt.Fprintf(b, "  %s %q match: port=%d dst=%v src=%v src_ports=%v\n",
		kind, fc.Name, m.DestinationPort, m.PrefixRanges, m.SourcePrefixRanges, m.SourcePorts)
	tp := fc.TCPProxy
	fmt.Fprintf(b, "    tcp_proxy stat_prefix=%q clusters=%v total=%d idle=%v attempts=%d\n",
		tp.StatPrefix, tp.Clusters, tp.TotalWeight, tp.IdleTimeout, tp.MaxConnectAttempts)
}

func dumpCluster(b *strings.Builder, c *Cluster) {
	fmt.Fprintf(b, "cluster %s %s connect=%v lb=%s choices=%d dns=%v/%s buffer=%d\n",
		c.Name, c.Type, c.ConnectTimeout, c.LBPolicy, c.LeastRequestChoices, c.DNSRefreshRate,
		c.DNSLookupFamily, c.BufferLimit)
	fmt.Fprintf(b, "  thresholds default=%+v high=%+v\n", c.Thresholds, c.HighThresholds)
	for _, e := range c.Endpoints {
		fmt.Fprintf(b, "  endpoint %s weight=%d priority=%d hostname=%q metadata=%v\n",
			net.JoinHostPort(e.Address, strconv.Itoa(int(e.Port))), e.Weight, e.Priority, e.Hostname, e.Metadata)
	}
}
