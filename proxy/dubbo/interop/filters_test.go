package interop

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestFilters runs a Dubbo filter chain (the fault filter, which reads attachments where HTTP has
// headers) in front of the router and checks what the consumer sees.
func TestFilters(t *testing.T) {
	p := startProvider(t, "base")
	bs := &bootstrap{}
	addr := bs.listen(t, "filters", withFilters(dubboProxy("filters",
		routeConfig("greeter", Interface, route(anyCall(), toCluster("greeter", nil)))), headerFault()))
	bs.cluster("greeter", nil, endpoint{addr: p.addr})
	startSkiff(t, bs)
	c := newConsumer(t, addr)

	t.Run("pass", func(t *testing.T) {
		if r, err := c.SayHello(context.Background(), "x"); err != nil || r.Instance != "base" {
			t.Fatalf("reply %+v, error %v", r, err)
		}
	})
	t.Run("abort", func(t *testing.T) {
		ctx := WithAttachments(context.Background(), map[string]string{"x-envoy-fault-abort-request": "503"})
		r, err := c.SayHello(ctx, "x")
		if err == nil {
			t.Fatalf("no error; reply %+v", *r)
		}
		if !strings.Contains(err.Error(), "fault") {
			t.Fatalf("error %q does not mention the fault", err)
		}
		t.Logf("consumer error: %v", err)
	})
	t.Run("delay", func(t *testing.T) {
		ctx := WithAttachments(context.Background(), map[string]string{"x-envoy-fault-delay-request": "300"})
		start := time.Now()
		if _, err := c.SayHello(ctx, "x"); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Fatalf("answered after %v, want >= 300ms", d)
		}
	})
}
