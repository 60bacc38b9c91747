package interop

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestSidecars runs the mesh path: consumer -> skiff (consumer sidecar, outbound dubbo_proxy) ->
// skiff (provider sidecar, inbound dubbo_proxy) -> provider, each skiff its own process.
func TestSidecars(t *testing.T) {
	p := startProvider(t, "base")

	in := &bootstrap{}
	inbound := in.listen(t, "inbound", dubboProxy("inbound",
		routeConfig("inbound", "*", route(anyCall(), toCluster("inbound|greeter", nil)))))
	in.cluster("inbound|greeter", nil, endpoint{addr: p.addr})
	providerSide := startSkiff(t, in)

	out := &bootstrap{}
	outbound := out.listen(t, "outbound", dubboProxy("outbound",
		routeConfig("outbound", Interface, route(anyCall(), toCluster("outbound|greeter", nil)))))
	out.cluster("outbound|greeter", nil, endpoint{addr: inbound})
	consumerSide := startSkiff(t, out)

	c := newConsumer(t, outbound)
	t.Run("calls", func(t *testing.T) { checkGreeterCalls(t, c, "base") })
	t.Run("concurrent", func(t *testing.T) { checkConcurrent(t, c, newConsumer(t, outbound)) })
	t.Run("stats", func(t *testing.T) {
		for _, s := range []struct {
			p    *skiffProc
			name string
		}{
			{consumerSide, "dubbo.outbound.request"},
			{consumerSide, "dubbo.outbound.response_success"},
			{consumerSide, "cluster.outbound|greeter.upstream_rq_total"},
			{providerSide, "dubbo.inbound.request"},
			{providerSide, "cluster.inbound|greeter.upstream_rq_total"},
		} {
			if n := s.p.stat(s.name); n < 3 {
				t.Errorf("%s = %d, want >= 3", s.name, n)
			}
		}
	})
}

// checkConcurrent sends many calls at once from two consumers (two downstream connections
// multiplexed onto the proxy's provider connections) and checks each reply answers its own call.
func checkConcurrent(t *testing.T, consumers ...*Consumer) {
	t.Helper()
	const perConsumer = 50
	var wg sync.WaitGroup
	errs := make(chan error, len(consumers)*perConsumer)
	for ci, c := range consumers {
		for i := range perConsumer {
			wg.Go(func() {
				arg := fmt.Sprintf("c%d-%d", ci, i)
				r, err := c.SayHello(context.Background(), arg)
				switch {
				case err != nil:
					errs <- fmt.Errorf("%s: %w", arg, err)
				case r.Arg != arg:
					errs <- fmt.Errorf("%s: reply for %q", arg, r.Arg)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
