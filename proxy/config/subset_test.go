package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// translateClusterYAML translates a bootstrap with one cluster given as a YAML flow mapping.
func translateClusterYAML(t *testing.T, cluster string) (*Cluster, error) {
	t.Helper()
	b, err := Parse([]byte("static_resources: {clusters: [" + cluster + "]}"))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	snap, err := Translate(b)
	if err != nil {
		return nil, err
	}
	return snap.Clusters[0], nil
}

func TestTranslateSubset(t *testing.T) {
	c, err := translateClusterYAML(t, `{name: svc, lb_subset_config: {
		fallback_policy: DEFAULT_SUBSET,
		default_subset: {env: base, stable: true},
		subset_selectors: [
			{keys: [env]},
			{keys: [unit, env, unit], fallback_policy: KEYS_SUBSET, fallback_keys_subset: [env]},
			{keys: [zone], fallback_policy: NO_FALLBACK}]},
		load_assignment: {cluster_name: svc, endpoints: [{lb_endpoints: [
			{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 1}}},
			 metadata: {filter_metadata: {envoy.lb: {env: base, stable: true}}}}]}]}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := &SubsetConfig{
		FallbackPolicy: DefaultSubset,
		DefaultSubset:  map[string]string{"env": "base", "stable": "true"},
		Selectors: []SubsetSelector{
			{Keys: []string{"env"}},
			{Keys: []string{"env", "unit"}, FallbackPolicy: SelectorKeysSubset, FallbackKeysSubset: []string{"env"}},
			{Keys: []string{"zone"}, FallbackPolicy: SelectorNoFallback},
		},
	}
	if !reflect.DeepEqual(c.Subset, want) {
		t.Fatalf("Subset = %+v\nwant %+v", c.Subset, want)
	}
	if c, err := translateClusterYAML(t, `{name: plain}`); err != nil || c.Subset != nil {
		t.Fatalf("without lb_subset_config: %+v, %v", c, err)
	}
}

func TestTranslateSubsetRejects(t *testing.T) {
	const base = `cluster "x": static_resources.clusters[0].lb_subset_config.`
	for _, tc := range []struct {
		name, config, want string
		unsupported        bool
	}{
		{"locality weight aware", `{locality_weight_aware: true}`, base + "locality_weight_aware: not supported", true},
		{"panic mode any", `{panic_mode_any: true}`, base + "panic_mode_any: not supported", true},
		{"list as any", `{list_as_any: true}`, base + "list_as_any: not supported", true},
		{"metadata fallback", `{metadata_fallback_policy: FALLBACK_LIST}`, base + "metadata_fallback_policy: not supported", true},
		{"single host per subset", `{subset_selectors: [{keys: [a], single_host_per_subset: true}]}`,
			base + "subset_selectors[0].single_host_per_subset: not supported", true},
		{"no keys", `{subset_selectors: [{keys: []}]}`, base + "subset_selectors[0].keys: at least one key is required", false},
		{"keys subset without keys", `{subset_selectors: [{keys: [a, b], fallback_policy: KEYS_SUBSET}]}`,
			base + "subset_selectors[0].fallback_keys_subset: required with fallback_policy KEYS_SUBSET", false},
		{"keys subset not a subset", `{subset_selectors: [{keys: [a, b], fallback_policy: KEYS_SUBSET, fallback_keys_subset: [c]}]}`,
			base + "subset_selectors[0].fallback_keys_subset: must be a proper subset of keys", false},
		{"keys subset equal", `{subset_selectors: [{keys: [a, b], fallback_policy: KEYS_SUBSET, fallback_keys_subset: [b, a]}]}`,
			base + "subset_selectors[0].fallback_keys_subset: must be a proper subset of keys", false},
		{"fallback keys without policy", `{subset_selectors: [{keys: [a, b], fallback_keys_subset: [a]}]}`,
			base + "subset_selectors[0].fallback_keys_subset: only used with fallback_policy KEYS_SUBSET", false},
		{"default subset list", `{default_subset: {a: [1]}}`, base + `default_subset."a": only string, number and bool`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := translateClusterYAML(t, `{name: x, lb_subset_config: `+tc.config+`}`)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.want)
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Fatalf("errors.Is(err, ErrUnsupported) = %v, want %v", !tc.unsupported, tc.unsupported)
			}
		})
	}
}
