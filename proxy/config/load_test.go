package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"unknown key", "testdata/unknown_key.yaml", `unknown field "filter_chain"`},
		{"unknown top-level key", write("top.yaml", "admim: {}\n"), `unknown field "admim"`},
		{"unknown typed_config type", write("type.yaml", `
static_resources:
  listeners:
  - name: x
    filter_chains:
    - filters:
      - name: f
        typed_config: { "@type": type.googleapis.com/skiff.NoSuchThing }
`), "skiff.NoSuchThing"},
		{"wrong value type", write("value.yaml", "admin: { address: { socket_address: { port_value: eighty } } }\n"), `"eighty"`},
		{"not YAML", write("bad.yaml", "a: [\n"), "config: parse " + filepath.Join(dir, "bad.yaml")},
		{"missing file", filepath.Join(dir, "nope.yaml"), "config: read bootstrap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, doc := range []string{"", "\n", "# only a comment\n", "null"} {
		if _, err := Parse([]byte(doc)); !errors.Is(err, ErrEmpty) {
			t.Errorf("Parse(%q) = %v, want ErrEmpty", doc, err)
		}
	}
}

func TestParseAcceptsKnownExtensions(t *testing.T) {
	// Types Skiff does not translate yet still parse, so that Translate can name the field.
	doc := `
static_resources:
  listeners:
  - name: http
    address: { socket_address: { address: 127.0.0.1, port_value: 8080 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: http
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
`
	b, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Translate(b)
	want := `listener "http": static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config: route_config or rds is required`
	if err == nil || err.Error() != want {
		t.Errorf("Translate error = %v\nwant %s", err, want)
	}
}
