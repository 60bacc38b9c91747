package interop

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestErrors checks that every error Skiff detects reaches the dubbo-go consumer as an error whose
// text says what happened, and that the consumer's connection keeps working afterwards.
func TestErrors(t *testing.T) {
	p := startProvider(t, "base")
	dead := fmt.Sprintf("127.0.0.1:%d", freePort(t)) // listened on and closed: connection refused
	bs := &bootstrap{}
	addr := bs.listen(t, "errors", dubboProxy("errors", routeConfig("greeter", Interface,
		route(method("SayHello", nil), toCluster("dead", nil)),
		route(method("Greet", nil), toCluster("greeter", map[string]string{"env": "none"})),
		route(method("Missing", nil), toCluster("unknown", nil)),
		route(method("Sleep", nil), toCluster("greeter", nil)),
		route(method("Fail", nil), toCluster("greeter", nil)),
	)))
	bs.cluster("dead", nil, endpoint{addr: dead})
	bs.cluster("greeter", obj{"subset_selectors": []obj{{"keys": []string{"env"}}}},
		endpoint{addr: p.addr, meta: map[string]string{"env": "base"}})
	sk := startSkiff(t, bs)
	// The consumer waits longer than Skiff's default call timeout (3 s), so Skiff's reply arrives.
	c, err := NewConsumer(addr, 6*time.Second)
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	for _, tc := range []struct {
		name string
		call func() (*Reply, error)
		want string // the error text contains it
	}{
		{"no route", func() (*Reply, error) { return c.Count(ctx, 1) },
			"skiff: no route for " + Interface + " Count"},
		{"provider down", func() (*Reply, error) { return c.SayHello(ctx, "x") },
			"skiff: upstream connect failure: " + dead + ": connection refused"},
		{"no host in subset", func() (*Reply, error) { return c.Greet(ctx, &User{Name: "x"}) },
			"no healthy upstream"},
		{"unknown cluster", func() (*Reply, error) { return c.Call(ctx, "Missing", "x") },
			"skiff: unknown cluster unknown"},
		{"provider exception passes through", func() (*Reply, error) { return c.Fail(ctx, "boom") },
			"greeter base: boom"},
		{"timeout", func() (*Reply, error) { return c.Sleep(ctx, 4000) },
			"skiff: upstream request timeout after 3s: " + Interface + " Sleep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.call()
			if err == nil {
				t.Fatalf("no error; reply %+v", *r)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			t.Logf("consumer error: %v", err)
		})
	}
	t.Run("connection still serves", func(t *testing.T) {
		if _, err := c.Sleep(ctx, 0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("stats", func(t *testing.T) {
		for name, want := range map[string]int64{
			"dubbo.errors.local_response_error":   5,
			"cluster.greeter.upstream_rq_timeout": 1,
		} {
			if n := sk.stat(name); n != want {
				t.Errorf("%s = %d, want %d", name, n, want)
			}
		}
	})
}

// TestCallerTimeout checks that Skiff times a call out by its "timeout" attachment, which
// dubbo-go sets from the consumer's timeout, and that a provider lost mid-call is an error.
func TestCallerTimeout(t *testing.T) {
	p := startProvider(t, "base")
	doomed := startProvider(t, "doomed")
	bs := &bootstrap{}
	// The attachment route makes Skiff decode attachments, so it sees "timeout".
	addr := bs.listen(t, "caller_timeout", dubboProxy("caller_timeout", routeConfig("greeter", Interface,
		route(attachment("target", "doomed"), toCluster("doomed", nil)),
		route(anyCall(), toCluster("greeter", nil)),
	)))
	bs.cluster("greeter", nil, endpoint{addr: p.addr})
	bs.cluster("doomed", nil, endpoint{addr: doomed.addr})
	sk := startSkiff(t, bs)
	c, err := NewConsumer(addr, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("consumer timeout", func(t *testing.T) {
		start := time.Now()
		if r, err := c.Sleep(context.Background(), 1500); err == nil {
			t.Fatalf("no error; reply %+v", *r)
		} else {
			t.Logf("consumer error: %v", err)
		}
		// Skiff's own timer (300 ms from the attachment, not its 3 s default) ends the call.
		waitStat(t, sk, "cluster.greeter.upstream_rq_timeout", 1, 2*time.Second-time.Since(start))
	})
	t.Run("provider lost mid-call", func(t *testing.T) {
		slow, err := NewConsumer(addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		ctx := WithAttachments(context.Background(), map[string]string{"target": "doomed"})
		type result struct {
			r   *Reply
			err error
		}
		done := make(chan result, 1)
		go func() {
			r, err := slow.Sleep(ctx, 3000)
			done <- result{r, err}
		}()
		waitStat(t, sk, "cluster.doomed.upstream_rq_active", 1, 5*time.Second)
		doomed.stop()
		res := <-done
		r, err := res.r, res.err
		if err == nil {
			t.Fatalf("no error; reply %+v", *r)
		}
		if !strings.Contains(err.Error(), "skiff: upstream reset") {
			t.Fatalf("error %q does not contain %q", err, "skiff: upstream reset")
		}
		t.Logf("consumer error: %v", err)
	})
}

// TestOverflow: with the cluster's max_requests reached, a call is refused at once with
// THREADPOOL_EXHAUSTED, which dubbo-go reports as an error.
func TestOverflow(t *testing.T) {
	p := startProvider(t, "base")
	bs := &bootstrap{}
	addr := bs.listen(t, "overflow", dubboProxy("overflow",
		routeConfig("greeter", Interface, route(anyCall(), toCluster("greeter", nil)))))
	bs.cluster("greeter", nil, endpoint{addr: p.addr})
	bs.clusters[0]["circuit_breakers"] = obj{"thresholds": []obj{{"max_requests": 1}}}
	sk := startSkiff(t, bs)
	c := newConsumer(t, addr)

	held := make(chan error, 1)
	go func() {
		_, err := c.Sleep(context.Background(), 1000)
		held <- err
	}()
	waitStat(t, sk, "cluster.greeter.upstream_rq_active", 1, 5*time.Second)
	r, err := c.SayHello(context.Background(), "x")
	if err == nil {
		t.Fatalf("no error; reply %+v", *r)
	}
	if want := "skiff: upstream overflow: max_requests of cluster greeter"; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
	if err := <-held; err != nil {
		t.Fatalf("the call holding the slot: %v", err)
	}
}
