package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

// ErrEmpty is wrapped by the error Parse and Load return for a document with no content.
var ErrEmpty = errors.New("empty document")

// Load reads an Envoy v3 Bootstrap from a YAML or JSON file; see Parse.
func Load(path string) (*bootstrapv3.Bootstrap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read bootstrap: %w", err)
	}
	return parse(data, path)
}

// Parse decodes an Envoy v3 Bootstrap from YAML or JSON. The document is converted to JSON and
// decoded with protojson: unknown fields are errors that name the field, and typed_config types
// must be registered (see extensions.go). Parse checks syntax only; Translate checks that Skiff
// supports what is set.
func Parse(data []byte) (*bootstrapv3.Bootstrap, error) {
	return parse(data, "bootstrap")
}

// parse decodes a bootstrap; source names it in errors.
func parse(data []byte, source string) (*bootstrapv3.Bootstrap, error) {
	js := data
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' { // JSON needs no YAML pass (large bootstraps)
		var err error
		if js, err = yaml.YAMLToJSON(data); err != nil {
			return nil, fmt.Errorf("config: parse %s: %w", source, err)
		}
	}
	if t := bytes.TrimSpace(js); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, fmt.Errorf("config: parse %s: %w", source, ErrEmpty)
	}
	b := &bootstrapv3.Bootstrap{}
	if err := protojson.Unmarshal(js, b); err != nil {
		return nil, fmt.Errorf("config: parse %s: %w", source, err)
	}
	return b, nil
}
