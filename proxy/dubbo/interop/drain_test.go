package interop

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// TestDrain: on SIGTERM Skiff sends its Dubbo consumers the READONLY event and closes each
// connection once its calls have been answered. dubbo-go answers the event like a heartbeat and
// exposes nothing else about it, so the test checks what a consumer relies on: the call in flight
// completes, and Skiff exits as soon as its connections are closed, long before the drain time.
func TestDrain(t *testing.T) {
	p := startProvider(t, "base")
	bs := &bootstrap{}
	addr := bs.listen(t, "drain", dubboProxy("drain",
		routeConfig("greeter", Interface, route(anyCall(), toCluster("greeter", nil)))))
	bs.cluster("greeter", nil, endpoint{addr: p.addr})
	sk := startSkiff(t, bs, "--drain-time-s", "30")
	c := newConsumer(t, addr)
	if _, err := c.SayHello(context.Background(), "before"); err != nil {
		t.Fatal(err)
	}

	type result struct {
		r   *Reply
		err error
	}
	inflight := make(chan result, 1)
	go func() {
		r, err := c.Sleep(context.Background(), 800)
		inflight <- result{r, err}
	}()
	waitStat(t, sk, "dubbo.drain.request_active", 1, 5*time.Second) // the call is in Skiff
	if err := sk.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	res := <-inflight
	if res.err != nil {
		t.Fatalf("call in flight during the drain: %v", res.err)
	}
	if res.r.Instance != "base" || res.r.Method != "Sleep" {
		t.Fatalf("reply %+v", *res.r)
	}
	code, ok := sk.exited(10 * time.Second)
	if !ok {
		t.Fatal("skiff still running 10 s after its last call ended: the Dubbo connection was not closed")
	}
	if code != 0 {
		t.Fatalf("skiff exit code %d, want 0", code)
	}
}
