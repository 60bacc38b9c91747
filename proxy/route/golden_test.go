package route

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden compiles testdata/<name>.yaml, resolves the requests of testdata/<name>.requests and
// compares a readable dump of both with testdata/<name>.golden (regenerate with -update).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tbl := mustCompile(t, string(data))
			var b strings.Builder
			dumpTable(&b, tbl)
			resolveRequests(t, &b, tbl, strings.TrimSuffix(file, ".yaml")+".requests")
			compareGolden(t, strings.TrimSuffix(file, ".yaml")+".golden", b.String())
		})
	}
}

// compareGolden compares got with the golden file, or rewrites it under -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// dumpTable renders a compiled table, one fact a line.
func dumpTable(b *strings.Builder, tbl *Table) {
	vc := "unset"
	if tbl.ValidateClusters != nil {
		vc = fmt.Sprint(*tbl.ValidateClusters)
	}
	fmt.Fprintf(b, "route_config %q validate_clusters=%s clusters=%v\n", tbl.Name, vc, tbl.Clusters())
	for _, w := range tbl.Warnings {
		fmt.Fprintf(b, "warning %s\n", w)
	}
	for _, v := range tbl.VirtualHosts {
		fmt.Fprintf(b, "vhost %q domains=%q\n", v.Name, v.Domains)
		for _, r := range v.Routes {
			dumpRoute(b, r)
		}
	}
}

func dumpRoute(b *strings.Builder, r *Route) {
	fmt.Fprintf(b, "  route %q match=%s action=%s\n", r.Name, describeMatch(&r.match), r.Action)
	switch r.Action {
	case ActionForward:
		f := r.Forward
		fmt.Fprintf(b, "    cluster=%q cluster_header=%q weighted=%v total=%d not_found=%d\n",
			f.Cluster, f.ClusterHeader, f.WeightedClusters, f.TotalWeight, f.ClusterNotFoundStatus)
		fmt.Fprintf(b, "    prefix_rewrite=%q regex_rewrite=%s host=%q auto_host=%t timeout=%v idle=%v/%t\n",
			f.PrefixRewrite, describeRegexRewrite(f.RegexRewrite), f.HostRewrite, f.AutoHostRewrite, f.Timeout, f.IdleTimeout, f.HasIdleTimeout)
		if p := f.Retry; p != nil {
			fmt.Fprintf(b, "    retry on=%s num=%d per_try=%v back_off=%v..%v codes=%v\n",
				p.On, p.NumRetries, p.PerTryTimeout, p.BackOffBase, p.BackOffMax, p.RetriableStatusCodes)
		}
	case ActionRedirect:
		d := r.Redirect
		fmt.Fprintf(b, "    status=%d scheme=%q host=%q port=%d path=%q prefix_rewrite=%q regex_rewrite=%s strip_query=%t\n",
			d.Status, d.Scheme, d.Host, d.Port, d.Path, d.PrefixRewrite, describeRegexRewrite(d.RegexRewrite), d.StripQuery)
	case ActionDirectResponse:
		fmt.Fprintf(b, "    status=%d body=%q\n", r.DirectResponse.Status, r.DirectResponse.Body)
	}
	dumpMutations(b, "request_headers", r.RequestHeaders)
	dumpMutations(b, "response_headers", r.ResponseHeaders)
}

func dumpMutations(b *strings.Builder, kind string, ms HeaderMutations) {
	for i, m := range ms {
		fmt.Fprintf(b, "    %s[%d] remove=%q add=%+v\n", kind, i, m.Remove, m.Add)
	}
}

func describeRegexRewrite(x *RegexRewrite) string {
	if x == nil {
		return "none"
	}
	return fmt.Sprintf("%q->%q", x.Pattern, x.Substitution)
}

func describeMatch(m *routeMatch) string {
	kinds := [...]string{pathPrefix: "prefix", pathExact: "path", pathRegex: "safe_regex", pathSeparated: "path_separated_prefix"}
	s := kinds[m.kind] + ":"
	if m.re != nil {
		s += fmt.Sprintf("%q", m.re.String())
	} else {
		s += fmt.Sprintf("%q", m.value)
	}
	if m.fold {
		s += " ignore_case"
	}
	if n := len(m.headers); n > 0 {
		s += fmt.Sprintf(" headers=%d", n)
	}
	if n := len(m.query); n > 0 {
		s += fmt.Sprintf(" query=%d", n)
	}
	return s
}

// resolveRequests reads a .requests file and appends what the table does with each request.
func resolveRequests(t *testing.T, b *strings.Builder, tbl *Table, path string) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		fmt.Fprintf(b, "%s\n    -> %s\n", line, resolve(t, tbl, line))
	}
}

// resolve parses one request line and describes the decision.
func resolve(t *testing.T, tbl *Table, line string) string {
	parts := strings.Split(line, "|")
	f := strings.Fields(parts[0])
	if len(f) != 3 {
		t.Fatalf("bad request line %q", line)
	}
	var headers []string
	for _, h := range parts[1:] {
		name, value, _ := strings.Cut(strings.TrimSpace(h), ": ")
		headers = append(headers, name, value)
	}
	req := newRequest(f[0], f[1], f[2], headers...)
	v, r := tbl.Match(req)
	switch {
	case v == nil:
		return "no virtual host"
	case r == nil:
		return fmt.Sprintf("vhost %q: no route", v.Name)
	}
	out := fmt.Sprintf("vhost %q route %q", v.Name, r.Name)
	switch r.Action {
	case ActionForward:
		out += fmt.Sprintf(" cluster=%q", r.PickCluster(7, req))
		if p, ok := r.RewritePath(nil, req.Path()); ok {
			out += fmt.Sprintf(" path=%q", p)
		}
	case ActionRedirect:
		out += fmt.Sprintf(" %d location=%q", r.Redirect.Status, r.Redirect.AppendLocation(nil, req))
	case ActionDirectResponse:
		out += fmt.Sprintf(" %d body=%q", r.DirectResponse.Status, r.DirectResponse.Body)
	}
	return out
}
