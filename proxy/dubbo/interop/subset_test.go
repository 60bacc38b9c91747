package interop

import (
	"context"
	"strings"
	"testing"
)

// TestEnvAndUnit checks environment isolation and unit (cell) routing with lb_subset_config: a
// request tagged env=feature-x reaches the feature-x provider, and the base environment when the
// cluster has no feature-x endpoint (DEFAULT_SUBSET fallback); unit=uN stays in cell uN; a
// feature-x call from a unit without feature-x endpoints leaves its unit (KEYS_SUBSET fallback).
func TestEnvAndUnit(t *testing.T) {
	baseU1, baseU2, featU1 := startProvider(t, "base-u1"), startProvider(t, "base-u2"), startProvider(t, "feature-x-u1")
	eps := []endpoint{
		{addr: baseU1.addr, meta: map[string]string{"env": "base", "unit": "u1"}},
		{addr: baseU2.addr, meta: map[string]string{"env": "base", "unit": "u2"}},
		{addr: featU1.addr, meta: map[string]string{"env": "feature-x", "unit": "u1"}},
	}
	// An empty env+unit subset retries with env alone, then the cluster falls back to env=base.
	subsets := subsetConfig(map[string]string{"env": "base"},
		selector("env"), keysSubsetSelector([]string{"env", "unit"}, "env"))
	bs := &bootstrap{}
	bs.cluster("greeter", subsets, eps...)
	bs.cluster("greeter_no_feature", subsets, eps[:2]...)
	routes := func(cluster string) obj {
		return routeConfig(cluster, Interface,
			route(attachments("env", "feature-x", "unit", "u2"),
				toCluster(cluster, map[string]string{"env": "feature-x", "unit": "u2"})),
			route(attachment("env", "feature-x"), toCluster(cluster, map[string]string{"env": "feature-x"})),
			route(attachment("unit", "u1"), toCluster(cluster, map[string]string{"env": "base", "unit": "u1"})),
			route(attachment("unit", "u2"), toCluster(cluster, map[string]string{"env": "base", "unit": "u2"})),
			route(anyCall(), toCluster(cluster, map[string]string{"env": "base"})),
		)
	}
	withFeature := bs.listen(t, "with_feature", dubboProxy("with_feature", routes("greeter")))
	noFeature := bs.listen(t, "no_feature", dubboProxy("no_feature", routes("greeter_no_feature")))
	startSkiff(t, bs)
	cWith, cNo := newConsumer(t, withFeature), newConsumer(t, noFeature)

	for _, tc := range []struct {
		name        string
		c           *Consumer
		attachments map[string]string
		wantPrefix  string // the answering instance's name starts with it
	}{
		{"feature env", cWith, map[string]string{"env": "feature-x"}, "feature-x-u1"},
		{"feature env falls back to base", cNo, map[string]string{"env": "feature-x"}, "base-"},
		{"no env is base", cWith, nil, "base-"},
		{"unknown env is base", cWith, map[string]string{"env": "feature-y"}, "base-"},
		{"unit u1", cWith, map[string]string{"unit": "u1"}, "base-u1"},
		{"unit u2", cWith, map[string]string{"unit": "u2"}, "base-u2"},
		{"unit u2 without feature", cNo, map[string]string{"unit": "u2"}, "base-u2"},
		{"feature env leaves a unit without it", cWith, map[string]string{"env": "feature-x", "unit": "u2"}, "feature-x-u1"},
		{"feature env and unit fall back to base", cNo, map[string]string{"env": "feature-x", "unit": "u2"}, "base-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := WithAttachments(context.Background(), tc.attachments)
			for range 6 { // round robin within a subset: every pick must fit
				r, err := tc.c.SayHello(ctx, "x")
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(r.Instance, tc.wantPrefix) {
					t.Fatalf("answered by %q, want %s*", r.Instance, tc.wantPrefix)
				}
				if r.Env != tc.attachments["env"] {
					t.Fatalf("provider saw env=%q, want %q (attachments must pass untouched)", r.Env, tc.attachments["env"])
				}
			}
		})
	}
}
