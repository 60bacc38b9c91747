package interop

import (
	"context"
	"testing"
)

// TestRouting checks route selection by method, by argument (params_match) and by attachment
// (headers), with one provider per cluster so the instance names the route taken.
func TestRouting(t *testing.T) {
	a, b, c := startProvider(t, "a"), startProvider(t, "b"), startProvider(t, "c")
	bs := &bootstrap{}
	addr := bs.listen(t, "routing", dubboProxy("routing", routeConfig("greeter", Interface,
		route(attachment("tag", "canary"), toCluster("c", nil)),
		route(method("SayHello", obj{"0": exactArg("bob")}), toCluster("b", nil)),
		route(method("Count", obj{"0": rangeArg(100, 200)}), toCluster("b", nil)),
		route(method("Count", nil), toCluster("c", nil)),
		route(anyCall(), toCluster("a", nil)),
	)))
	bs.cluster("a", nil, endpoint{addr: a.addr})
	bs.cluster("b", nil, endpoint{addr: b.addr})
	bs.cluster("c", nil, endpoint{addr: c.addr})
	startSkiff(t, bs)
	cons := newConsumer(t, addr)

	bg := context.Background()
	canary := WithAttachments(bg, map[string]string{"tag": "canary"})
	other := WithAttachments(bg, map[string]string{"tag": "stable"})
	for _, tc := range []struct {
		name string
		call func() (*Reply, error)
		want string
	}{
		{"method default", func() (*Reply, error) { return cons.SayHello(bg, "ann") }, "a"},
		{"pojo method default", func() (*Reply, error) { return cons.Greet(bg, &User{Name: "x"}) }, "a"},
		{"string argument exact", func() (*Reply, error) { return cons.SayHello(bg, "bob") }, "b"},
		{"int argument in range", func() (*Reply, error) { return cons.Count(bg, 150) }, "b"},
		{"int argument range end excluded", func() (*Reply, error) { return cons.Count(bg, 200) }, "c"},
		{"method name", func() (*Reply, error) { return cons.Count(bg, 7) }, "c"},
		{"attachment", func() (*Reply, error) { return cons.SayHello(canary, "bob") }, "c"},
		{"attachment other value", func() (*Reply, error) { return cons.SayHello(other, "ann") }, "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.call()
			if err != nil {
				t.Fatal(err)
			}
			if r.Instance != tc.want {
				t.Fatalf("answered by %q (%+v), want %q", r.Instance, *r, tc.want)
			}
		})
	}
}
