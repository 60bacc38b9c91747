package interop

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// examplePath is the hand-usable Dubbo bootstrap; its comments say how to try it.
var examplePath = filepath.Join("..", "..", "..", "examples", "dubbo.yaml")

// TestExample runs examples/dubbo.yaml as its comments describe: the providers of its
// `greeter provide` lines, Skiff with the file, then each `greeter call` line, whose trailing
// comment names the instances that may answer ("a or b") or says "an error". Every port of the
// file is moved to a free one first.
func TestExample(t *testing.T) {
	raw, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	ports := map[string]string{} // example port -> free port
	remap := func(s string) string {
		return portPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := portPattern.FindStringSubmatch(m)
			if ports[sub[2]] == "" {
				ports[sub[2]] = strconv.Itoa(freePort(t))
			}
			return sub[1] + ports[sub[2]]
		})
	}
	text := remap(string(raw))

	for _, m := range provideLine.FindAllStringSubmatch(string(raw), -1) {
		port, _ := strconv.Atoi(ports[m[2]])
		startProviderOn(t, m[1], port)
	}
	admin := adminAddrPattern.FindStringSubmatch(text)
	if admin == nil {
		t.Fatal("no admin address in " + examplePath)
	}
	startSkiffText(t, []byte(text), admin[1]+":"+admin[2])

	calls := callLine.FindAllStringSubmatch(string(raw), -1)
	if len(calls) == 0 {
		t.Fatal("no `greeter call` lines in " + examplePath)
	}
	for _, m := range calls {
		t.Run(strings.Join(strings.Fields(m[1]), " "), func(t *testing.T) {
			runExampleCall(t, remap(m[1]), strings.TrimSpace(m[2]))
		})
	}
}

var (
	// portPattern finds ports: `port_value: 20880` and `127.0.0.1:20880`.
	portPattern = regexp.MustCompile(`(port_value: |127\.0\.0\.1:)(\d+)`)
	// adminAddrPattern finds the admin address (after remapping).
	adminAddrPattern = regexp.MustCompile(`(?s)admin:\s*address:\s*socket_address: \{ address: ([0-9.]+), port_value: (\d+) \}`)
	provideLine      = regexp.MustCompile(`(?m)^#\s+go run \./cmd/greeter provide -name (\S+) -port (\d+)\s*$`)
	callLine         = regexp.MustCompile(`(?m)^#\s+go run \./cmd/greeter call (.*?)\s+# (.*)$`)
)

// runExampleCall makes the call of one `greeter call` line (its flags in args) and checks the
// outcome against want: "an error", or instance names separated by " or ".
func runExampleCall(t *testing.T, args, want string) {
	t.Helper()
	flags := map[string]string{}
	fs := strings.Fields(args)
	for i := 0; i+1 < len(fs); i += 2 {
		flags[fs[i]] = fs[i+1]
	}
	c := newConsumer(t, flags["-addr"])
	kv := map[string]string{}
	for pair := range strings.SplitSeq(flags["-attach"], ",") {
		if k, v, ok := strings.Cut(pair, "="); ok {
			kv[k] = v
		}
	}
	ctx := WithAttachments(context.Background(), kv)
	var r *Reply
	var err error
	switch method, arg := flags["-method"], flags["-arg"]; method {
	case "Count", "Sleep":
		n, convErr := strconv.Atoi(arg)
		if convErr != nil {
			t.Fatalf("%s takes an int: %v", method, convErr)
		}
		r, err = c.Call(ctx, method, int32(n))
	default:
		r, err = c.Call(ctx, method, arg)
	}
	if want == "an error" {
		if err == nil {
			t.Fatalf("no error; reply %+v", *r)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Split(want, " or "), r.Instance) {
		t.Fatalf("answered by %q, want %s", r.Instance, want)
	}
}

// TestExampleValidates runs `skiff validate` on the example, as its header suggests.
func TestExampleValidates(t *testing.T) {
	out, err := runSkiffCommand("validate", "-c", examplePath)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := fmt.Sprintf("configuration '%s' OK", examplePath); !strings.HasPrefix(out, want) {
		t.Fatalf("output %q, want it to start with %q", out, want)
	}
}
