package main

// This file enforces the import rules of the "Layers" table in DESIGN.md. Only non-test imports are
// checked: tests may wire layers together (a proxy test may run a real filter). A package outside
// every rule (a new top-level folder) is an error too, because the top level is fixed.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// layersRule says what the packages matched by pkg may import. Patterns are relative to the module
// root; "x/..." matches x and everything below it, "*" matches one path element, "..." alone matches
// everything, and "@self" in skiff means the part of the tree the package's rule matched ("filters/x"
// for filters/x/y under "filters/*/...").
type layersRule struct {
	pkg        string   // which module packages the rule covers; the first matching rule applies
	skiff      []string // module packages they may import
	thirdParty []string // import paths outside the standard library they may import (full paths)
	why        string   // the rule in words, quoted in failures
}

// layersRules is DESIGN.md's "Layers" table. Keep both in step.
var layersRules = []layersRule{
	{
		pkg:        "cmd/...",
		skiff:      []string{"..."},
		thirdParty: []string{"..."},
		why:        "cmd is wiring and may import everything",
	},
	{
		pkg:   "protocol/...",
		skiff: []string{"protocol/..."},
		thirdParty: []string{
			"github.com/apache/dubbo-go-hessian2/...",
			"golang.org/x/net/http/httpguts",
			"golang.org/x/net/http2/hpack",
		},
		why: "protocol/... imports only the standard library, codec libraries and protocol/...",
	},
	{
		pkg:        "filters",
		skiff:      []string{"protocol/..."},
		thirdParty: []string{"..."},
		why:        "filters imports only protocol/... from Skiff",
	},
	{
		pkg:        "filters/*/...",
		skiff:      []string{"@self", "filters", "protocol/..."},
		thirdParty: []string{"..."},
		why:        "filters/<name> imports only filters and protocol/... from Skiff: not other filters, not proxy (declare a small interface instead)",
	},
	{
		pkg:        "proxy/...",
		skiff:      []string{"proxy/...", "filters/...", "protocol/..."},
		thirdParty: []string{"..."},
		why:        "proxy/... imports only filters and protocol from Skiff: not upgrade, interception or cmd (cmd hands listeners in)",
	},
	{
		pkg:        "upgrade/...",
		skiff:      []string{"upgrade/..."},
		thirdParty: []string{"golang.org/x/sys/..."},
		why:        "upgrade imports only the standard library and golang.org/x/sys",
	},
	{
		pkg:        "interception/...",
		skiff:      []string{"interception/..."},
		thirdParty: []string{"golang.org/x/sys/..."},
		why:        "interception imports only the standard library and golang.org/x/sys",
	},
	{
		pkg:        "bench/...",
		skiff:      []string{"bench/...", "protocol/..."},
		thirdParty: []string{"..."},
		why:        "bench drives real processes through public interfaces: it may encode requests with the wire codecs of protocol/..., and imports no proxy or filters package",
	},
	{
		pkg:        "examples/...",
		skiff:      []string{"examples/..."},
		thirdParty: []string{"..."},
		why:        "examples stand alone, as user code would",
	},
}

// layersPackage is the part of `go list -json` output the check reads.
type layersPackage struct {
	ImportPath string
	Standard   bool
	Imports    []string
}

func TestLayers(t *testing.T) {
	mod, pkgs := layersGoList(t)
	if len(pkgs) == 0 {
		t.Skip("no packages in the module yet")
	}
	for _, v := range layersCheck(mod, pkgs) {
		t.Error(v)
	}
}

// layersGoList returns the module path, and every package of the module plus its dependencies as
// listed by `go list -e -deps -json ./...` run at the module root.
func layersGoList(t *testing.T) (string, []layersPackage) {
	t.Helper()
	gomod := strings.TrimSpace(layersGo(t, ".", "env", "GOMOD"))
	if gomod == "" || gomod == "/dev/null" {
		t.Fatalf("layers: not inside a module (go env GOMOD = %q)", gomod)
	}
	root := filepath.Dir(gomod)
	mod := strings.TrimSpace(layersGo(t, root, "list", "-m"))
	out := layersGo(t, root, "list", "-e", "-deps", "-json=ImportPath,Standard,Imports", "./...")
	var pkgs []layersPackage
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var p layersPackage
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("layers: decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return mod, pkgs
}

// layersGo runs the go command in dir and returns its standard output.
func layersGo(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("layers: go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// layersCheck returns one message per import of a module package that its rule does not allow, and
// one per module package that no rule covers. pkgs may include packages of other modules (ignored
// except to learn which import paths are in the standard library).
func layersCheck(mod string, pkgs []layersPackage) []string {
	std := make(map[string]bool)
	for _, p := range pkgs {
		std[p.ImportPath] = p.Standard
	}
	var violations []string
	for _, p := range pkgs {
		rel, ok := layersRel(mod, p.ImportPath)
		if !ok {
			continue
		}
		rule, self, ok := layersRuleFor(rel)
		if !ok {
			violations = append(violations, fmt.Sprintf(
				"layers: package %s is outside every rule: the top level is fixed (DESIGN.md \"Layers\")", p.ImportPath))
			continue
		}
		for _, imp := range p.Imports {
			if !layersAllowed(mod, rule, self, imp, std) {
				violations = append(violations, fmt.Sprintf(
					"layers: %s imports %s, which is not allowed: %s (DESIGN.md \"Layers\")", p.ImportPath, imp, rule.why))
			}
		}
	}
	return violations
}

// layersRel returns path relative to the module root, and whether path is in the module.
func layersRel(mod, path string) (string, bool) {
	if path == mod {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, mod+"/")
	return rel, ok
}

// layersRuleFor returns the first rule covering rel and the part of rel its pattern matched.
func layersRuleFor(rel string) (layersRule, string, bool) {
	for _, r := range layersRules {
		if self, ok := layersMatch(r.pkg, rel); ok {
			return r, self, true
		}
	}
	return layersRule{}, "", false
}

// layersAllowed reports whether a package under rule (whose matched subtree is self) may import imp.
func layersAllowed(mod string, rule layersRule, self, imp string, std map[string]bool) bool {
	if rel, ok := layersRel(mod, imp); ok {
		for _, pat := range rule.skiff {
			if pat == "@self" {
				pat = self + "/..."
			}
			if _, ok := layersMatch(pat, rel); ok {
				return true
			}
		}
		return false
	}
	if layersStandard(imp, std) {
		return true
	}
	for _, pat := range rule.thirdParty {
		if _, ok := layersMatch(pat, imp); ok {
			return true
		}
	}
	return false
}

// layersStandard reports whether imp is in the standard library: as go list said, or, for a path it
// did not list, by the go command's own convention (no dot in the first element).
func layersStandard(imp string, std map[string]bool) bool {
	if s, ok := std[imp]; ok {
		return s
	}
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

// layersMatch reports whether path matches pattern (see layersRule) and returns the prefix of path
// that the pattern's fixed part matched.
func layersMatch(pattern, path string) (string, bool) {
	if pattern == "..." {
		return path, true
	}
	base, tree := strings.CutSuffix(pattern, "/...")
	want := strings.Split(base, "/")
	got := strings.Split(path, "/")
	if len(got) < len(want) || (!tree && len(got) != len(want)) {
		return "", false
	}
	for i, w := range want {
		if w != "*" && w != got[i] {
			return "", false
		}
	}
	return strings.Join(got[:len(want)], "/"), true
}

func TestLayersRules(t *testing.T) {
	const mod = "example.com/m"
	tests := []struct {
		name    string
		pkg     string
		imports []string
		want    string // substring of the one expected violation; "" for none
	}{
		{name: "protocol uses stdlib", pkg: "protocol/dubbo", imports: []string{"encoding/binary", "errors"}},
		{name: "protocol uses hessian", pkg: "protocol/dubbo", imports: []string{"github.com/apache/dubbo-go-hessian2"}},
		{name: "protocol uses sibling codec", pkg: "protocol/dubbo", imports: []string{mod + "/protocol/http"}},
		{name: "protocol imports proxy", pkg: "protocol/http", imports: []string{mod + "/proxy"}, want: "imports example.com/m/proxy"},
		{name: "protocol imports grpc", pkg: "protocol/http", imports: []string{"google.golang.org/grpc"}, want: "imports google.golang.org/grpc"},
		{name: "filters imports protocol", pkg: "filters", imports: []string{mod + "/protocol/http"}},
		{name: "filters imports a filter", pkg: "filters", imports: []string{mod + "/filters/router"}, want: "filters imports example.com/m/filters/router"},
		{name: "filter uses registry and typed config", pkg: "filters/router", imports: []string{mod + "/filters", "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"}},
		{name: "filter uses own subpackage", pkg: "filters/sentinel", imports: []string{mod + "/filters/sentinel/rules"}},
		{name: "filter imports another filter", pkg: "filters/sentinel", imports: []string{mod + "/filters/router"}, want: "imports example.com/m/filters/router"},
		{name: "filter imports proxy", pkg: "filters/router/sub", imports: []string{mod + "/proxy/upstream"}, want: "imports example.com/m/proxy/upstream"},
		{name: "proxy uses filters and gnet", pkg: "proxy/listener", imports: []string{mod + "/filters", mod + "/proxy/upstream", "github.com/panjf2000/gnet/v2"}},
		{name: "proxy imports upgrade", pkg: "proxy", imports: []string{mod + "/upgrade"}, want: "proxy imports example.com/m/upgrade"},
		{name: "proxy imports interception", pkg: "proxy/admin", imports: []string{mod + "/interception"}, want: "imports example.com/m/interception"},
		{name: "upgrade uses x/sys", pkg: "upgrade", imports: []string{"golang.org/x/sys/unix", "net"}},
		{name: "upgrade imports gnet", pkg: "upgrade", imports: []string{"github.com/panjf2000/gnet/v2"}, want: "imports github.com/panjf2000/gnet/v2"},
		{name: "interception imports proxy", pkg: "interception", imports: []string{mod + "/proxy"}, want: "interception imports example.com/m/proxy"},
		{name: "bench imports protocol", pkg: "bench/cmd/skiffbench", imports: []string{mod + "/protocol/dubbo"}},
		{name: "bench imports proxy", pkg: "bench/cmd/skiffbench", imports: []string{mod + "/proxy/config"}, want: "imports example.com/m/proxy/config"},
		{name: "bench uses own packages", pkg: "bench/cmd/skiffbench", imports: []string{mod + "/bench", "fortio.org/fortio/fhttp"}},
		{name: "cmd imports everything", pkg: "cmd/skiff", imports: []string{mod + "/proxy", mod + "/upgrade", mod + "/interception", mod + "/filters/router"}},
		{name: "unknown top level", pkg: "util", imports: nil, want: "outside every rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs := []layersPackage{
				{ImportPath: mod + "/" + tt.pkg, Imports: tt.imports},
				{ImportPath: "github.com/other/dep", Imports: []string{mod + "/proxy"}}, // not ours: ignored
			}
			got := layersCheck(mod, pkgs)
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("unexpected violations: %q", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Errorf("violations %q, want one containing %q", got, tt.want)
			}
		})
	}
}
