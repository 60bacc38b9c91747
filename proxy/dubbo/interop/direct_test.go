package interop

import (
	"context"
	"testing"
)

// TestBaseline checks the dubbo-go pair itself, then the same calls through a skiff tcp_proxy: the
// bytes pass untouched, so every argument kind and attachment arrives as sent.
func TestBaseline(t *testing.T) {
	p := startProvider(t, "base")
	b := &bootstrap{}
	viaTCP := b.listen(t, "tcp", tcpProxy("greeter_tcp", "greeter"))
	b.cluster("greeter", nil, endpoint{addr: p.addr})
	startSkiff(t, b)
	for _, target := range []struct{ name, addr string }{{"direct", p.addr}, {"tcp_proxy", viaTCP}} {
		t.Run(target.name, func(t *testing.T) {
			checkGreeterCalls(t, newConsumer(t, target.addr), "base")
		})
	}
}

// checkGreeterCalls calls every argument kind once and checks the answers came from instance.
func checkGreeterCalls(t *testing.T, c *Consumer, instance string) {
	t.Helper()
	ctx := WithAttachments(context.Background(), map[string]string{"env": "e1", "unit": "u1"})
	for _, tc := range []struct {
		name, arg string
		call      func() (*Reply, error)
	}{
		{"string", "skiff", func() (*Reply, error) { return c.SayHello(ctx, "skiff") }},
		{"int", "42", func() (*Reply, error) { return c.Count(ctx, 42) }},
		{"pojo", "ada/36", func() (*Reply, error) { return c.Greet(ctx, &User{Name: "ada", Age: 36}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.call()
			if err != nil {
				t.Fatal(err)
			}
			want := Reply{Instance: instance, Method: r.Method, Arg: tc.arg, Env: "e1", Unit: "u1"}
			if *r != want {
				t.Fatalf("reply %+v, want %+v", *r, want)
			}
		})
	}
}
