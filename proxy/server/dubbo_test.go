package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/filters"
	wire "github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/config"
	dubboproxy "github.com/skiffmesh/skiff/proxy/dubbo"
)

func TestDubboRouting(t *testing.T) {
	a := startProvider(t, "a", nil)
	b := startProvider(t, "b", nil)
	routes := `
- name: greeter
  interface: com.foo.Greeter
  routes:
  - match:
      method:
        name: {exact: sayHello}
        params_match:
          0: {exact_match: "vip"}
    route: {cluster: b}
  - match:
      method: {name: {exact: sayHello}}
      headers: [{name: env, string_match: {exact: canary}}]
    route: {cluster: b}
  - match: {method: {name: {exact: sayHello}}}
    route: {cluster: a}
  - match: {method: {name: {exact: bye}}}
    route: {cluster: b}`
	srv, addr := startDubboProxy(t, dubboYAML(routes, "", staticCluster("a", "", a.addr)+"\n"+staticCluster("b", "", b.addr)), nil)
	k := newConsumer(t, addr)
	tests := []struct {
		name   string
		method string
		args   []any
		kv     []string
		want   string
	}{
		{"method", "sayHello", []any{"bob"}, nil, "a:sayHello"},
		{"other method", "bye", []any{"bob"}, nil, "b:bye"},
		{"argument", "sayHello", []any{"vip"}, nil, "b:sayHello"},
		{"attachment", "sayHello", []any{"bob"}, []string{"env", "canary"}, "b:sayHello"},
		{"attachment no match", "sayHello", []any{"bob"}, []string{"env", "prod"}, "a:sayHello"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := k.call(uint64(100+i), tt.method, tt.args, tt.kv...)
			if r.status != wire.StatusOK || r.value != tt.want {
				t.Fatalf("got %d %v %q, want %q", r.status, r.value, r.msg, tt.want)
			}
		})
	}
	if n := counter(t, srv, "dubbo.d.request_twoway"); n != uint64(len(tests)) {
		t.Errorf("request_twoway = %d, want %d", n, len(tests))
	}
	if n := counter(t, srv, "dubbo.d.response_success"); n != uint64(len(tests)) {
		t.Errorf("response_success = %d, want %d", n, len(tests))
	}
}

// TestDubboSubsetFallback routes by endpoint metadata (an "env" subset)
// and falls back to the base environment when the subset is empty.
func TestDubboSubsetFallback(t *testing.T) {
	base := startProvider(t, "base", nil)
	gray := startProvider(t, "gray", nil)
	routes := `
- name: greeter
  interface: com.foo.Greeter
  routes:
  - match:
      method: {name: {exact: sayHello}}
      headers: [{name: env, present_match: true}]
    route:
      cluster: c
      metadata_match: {filter_metadata: {envoy.lb: {env: gray}}}
  - match:
      method: {name: {exact: bye}}
    route:
      cluster: c
      metadata_match: {filter_metadata: {envoy.lb: {env: blue}}}
  - match: {method: {name: {safe_regex: {regex: ".*"}}}}
    route:
      cluster: c
      metadata_match: {filter_metadata: {envoy.lb: {env: base}}}`
	ep := func(addr, env string) string {
		host, port, _ := net.SplitHostPort(addr)
		return fmt.Sprintf(`      - endpoint: {address: {socket_address: {address: %q, port_value: %s}}}
        metadata: {filter_metadata: {envoy.lb: {env: %s}}}`, host, port, env)
	}
	cluster := fmt.Sprintf(`- name: c
  type: STATIC
  connect_timeout: 0.5s
  lb_subset_config:
    fallback_policy: DEFAULT_SUBSET
    default_subset: {env: base}
    subset_selectors: [{keys: [env]}]
  load_assignment:
    cluster_name: c
    endpoints:
    - lb_endpoints:
%s
%s`, ep(base.addr, "base"), ep(gray.addr, "gray"))
	_, addr := startDubboProxy(t, dubboYAML(routes, "", cluster), nil)
	k := newConsumer(t, addr)
	tests := []struct {
		name, method string
		kv           []string
		want         string
	}{
		{"base", "sayHello", nil, "base:sayHello"},
		{"gray", "sayHello", []string{"env", "gray"}, "gray:sayHello"},
		{"empty subset falls back", "bye", nil, "base:bye"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for j := range 4 { // per-call balancing: every call lands in the subset
				r := k.call(uint64(10*i+j+1), tt.method, []any{"x"}, tt.kv...)
				if r.value != tt.want {
					t.Fatalf("got %d %v %q, want %q", r.status, r.value, r.msg, tt.want)
				}
			}
		})
	}
}

func TestDubboErrors(t *testing.T) {
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	slow := startProvider(t, "slow", func(r *providerReq) providerReply {
		switch m := string(r.head.Method); {
		case strings.HasPrefix(m, "hang"):
			return replyNone
		case m == "garbage":
			return replyGarbage
		}
		return replyValue
	})
	resetter := startProvider(t, "reset", func(r *providerReq) providerReply {
		if string(r.head.Method) == "reset" {
			return replyClose
		}
		return replyNone
	})
	dead := deadAddr(t)
	routes := `
- name: greeter
  interface: com.foo.Greeter
  version: 1.0.0
  routes:
  - match: {method: {name: {exact: dead}}}
    route: {cluster: dead}
  - match:
      method: {name: {exact: hangWithTimeout}}
      headers: [{name: timeout, present_match: true}]
    route: {cluster: c}
  - match: {method: {name: {exact: nocluster}}}
    route: {cluster: missing}
  - match: {method: {name: {exact: reset}}}
    route: {cluster: reset}
  - match: {method: {name: {exact: pending}}}
    route: {cluster: reset}
  - match: {method: {name: {safe_regex: {regex: ".*"}}}}
    route: {cluster: c}`
	clusters := staticCluster("c", "", slow.addr) + "\n" + staticCluster("dead", "", dead) + "\n" +
		staticCluster("reset", "", resetter.addr) + "\n" + staticCluster("missing", "")
	srv, addr := startDubboProxy(t, dubboYAML(routes, "", clusters), func(sh *dubboproxy.Shared) {
		sh.RequestTimeout = 300 * time.Millisecond
	})

	t.Run("no route", func(t *testing.T) {
		k := newConsumer(t, addr)
		k.sendTo(1, true, "com.foo.Other", "sayHello", []any{"x"})
		r := k.read()
		wantStatus(t, r, wire.StatusServiceNotFound, "skiff: no route for com.foo.Other:1.0.0 sayHello")
	})
	t.Run("no healthy upstream", func(t *testing.T) {
		k := newConsumer(t, addr)
		wantStatus(t, k.call(2, "nocluster", nil), wire.StatusServiceError, "no healthy upstream")
	})
	t.Run("connect failure", func(t *testing.T) {
		k := newConsumer(t, addr)
		wantStatus(t, k.call(3, "dead", nil), wire.StatusServiceError, "upstream connect failure: "+dead+": connection refused")
	})
	t.Run("timeout", func(t *testing.T) {
		k := newConsumer(t, addr)
		start := time.Now()
		wantStatus(t, k.call(4, "hang", nil), wire.StatusServerTimeout, "timeout")
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Errorf("timed out after %v, want about 300ms", d)
		}
	})
	t.Run("timeout attachment", func(t *testing.T) {
		// The route matches on an attachment, so attachments are decoded
		// and the call's own timeout (50 ms) replaces the default.
		k := newConsumer(t, addr)
		start := time.Now()
		wantStatus(t, k.call(5, "hangWithTimeout", nil, "timeout", "50"), wire.StatusServerTimeout, "timeout after 50ms")
		if d := time.Since(start); d > 250*time.Millisecond {
			t.Errorf("timed out after %v, want about 50ms", d)
		}
	})
	t.Run("upstream reset with pending calls", func(t *testing.T) {
		k := newConsumer(t, addr)
		k.send(6, true, "pending", nil)
		k.send(7, true, "pending", nil)
		eventually(t, "provider got the pending calls", func() bool { return resetter.requests.Load() >= 2 })
		k.send(8, true, "reset", nil)
		got := map[uint64]bool{}
		for range 3 {
			r := k.read()
			wantStatus(t, r, wire.StatusServerError, "upstream reset")
			got[r.h.ID] = true
		}
		if len(got) != 3 {
			t.Fatalf("responses for %v, want 6, 7, 8", got)
		}
	})
	t.Run("provider protocol error", func(t *testing.T) {
		k := newConsumer(t, addr)
		wantStatus(t, k.call(10, "garbage", nil), wire.StatusServerError, "upstream protocol error")
		if n := counter(t, srv, "dubbo.d.response_decoding_error"); n != 1 {
			t.Errorf("response_decoding_error = %d, want 1", n)
		}
	})
	t.Run("still serving", func(t *testing.T) {
		k := newConsumer(t, addr)
		if r := k.call(9, "sayHello", nil); r.value != "slow:sayHello" {
			t.Fatalf("got %+v", r)
		}
	})
	eventually(t, "no call left", func() bool { return gauge(t, srv, "dubbo.d.request_active") == 0 })
	if n := counter(t, srv, "dubbo.d.local_response_error"); n < 6 {
		t.Errorf("local_response_error = %d, want >= 6", n)
	}
}

func TestDubboOverflow(t *testing.T) {
	t.Run("max_requests", func(t *testing.T) {
		p := startProvider(t, "p", func(r *providerReq) providerReply { return replyNone })
		cl := staticCluster("c", `circuit_breakers: {thresholds: [{max_requests: 1}]}`, p.addr)
		_, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", cl), func(sh *dubboproxy.Shared) {
			sh.RequestTimeout = time.Second
		})
		k := newConsumer(t, addr)
		k.send(1, true, "first", nil)
		eventually(t, "first call at the provider", func() bool { return p.requests.Load() == 1 })
		wantStatus(t, k.call(2, "second", nil), wire.StatusThreadpoolExhausted, "overflow: max_requests")
	})
	t.Run("max_connections", func(t *testing.T) {
		p := startProvider(t, "p", nil)
		cl := staticCluster("c", `circuit_breakers: {thresholds: [{max_connections: 0}]}`, p.addr)
		_, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", cl), nil)
		k := newConsumer(t, addr)
		wantStatus(t, k.call(1, "hi", nil), wire.StatusThreadpoolExhausted, "overflow: max_connections")
	})
}

func TestDubboBadFrameClosesOnlyThatConnection(t *testing.T) {
	p := startProvider(t, "p", nil)
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), nil)
	good := newConsumer(t, addr)
	if r := good.call(1, "hi", nil); r.value != "p:hi" {
		t.Fatalf("got %+v", r)
	}
	tests := []struct {
		name    string
		frame   func() []byte
		wantRsp bool
	}{
		{"bad serialization", func() []byte {
			b, _ := wire.AppendRequest(nil, 77, true, &wire.Invocation{Path: "com.foo.Greeter", Method: "hi"})
			b[2] = b[2]&^wire.SerializationMask | 7
			return b
		}, true},
		{"too large", func() []byte {
			b := wire.AppendHeartbeatRequest(nil, 77)
			b[2] = wire.FlagRequest | wire.FlagTwoWay | wire.SerializationHessian2
			binary.BigEndian.PutUint32(b[12:], 64<<20)
			return b[:wire.HeaderSize]
		}, true},
		{"bad body", func() []byte {
			b := wire.AppendHeartbeatRequest(nil, 77)
			b[2] = wire.FlagRequest | wire.FlagTwoWay | wire.SerializationHessian2
			return b
		}, true},
		{"bad magic", func() []byte { return []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := newConsumer(t, addr)
			bad.write(tt.frame())
			if tt.wantRsp {
				r := bad.read()
				if r.h.ID != 77 {
					t.Fatalf("response ID %d, want 77", r.h.ID)
				}
				wantStatus(t, r, wire.StatusBadRequest, "bad request")
			}
			bad.expectClosed()
		})
	}
	if r := good.call(2, "hi", nil); r.value != "p:hi" {
		t.Fatalf("the other connection: got %+v", r)
	}
	if n := counter(t, srv, "dubbo.d.request_decoding_error"); n != uint64(len(tests)) {
		t.Errorf("request_decoding_error = %d, want %d", n, len(tests))
	}
}

func TestDubboHeartbeatAnsweredLocally(t *testing.T) {
	p := startProvider(t, "p", nil)
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), nil)
	k := newConsumer(t, addr)
	k.write(wire.AppendHeartbeatRequest(nil, 42))
	r := k.read()
	if !r.h.IsEvent() || r.h.IsRequest() || r.h.ID != 42 || r.h.Status != wire.StatusOK {
		t.Fatalf("got header %+v, want a heartbeat response for 42", r.h)
	}
	if p.conns.Load() != 0 || p.requests.Load() != 0 {
		t.Errorf("the heartbeat reached the provider")
	}
	if n := counter(t, srv, "dubbo.d.request_event"); n != 1 {
		t.Errorf("request_event = %d, want 1", n)
	}
}

func TestDubboOneWayLeavesNoState(t *testing.T) {
	p := startProvider(t, "p", nil)
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), nil)
	k := newConsumer(t, addr)
	const n = 50
	for i := range n {
		k.send(uint64(i+1), false, "notify", []any{"x"})
	}
	eventually(t, "one-way calls at the provider", func() bool { return p.requests.Load() == n })
	if r := k.call(1000, "hi", nil); r.value != "p:hi" {
		t.Fatalf("got %+v", r)
	}
	eventually(t, "no call left", func() bool { return gauge(t, srv, "dubbo.d.request_active") == 0 })
	if got := counter(t, srv, "dubbo.d.request_oneway"); got != n {
		t.Errorf("request_oneway = %d, want %d", got, n)
	}
	if got := gauge(t, srv, "cluster.c.upstream_rq_active"); got != 0 {
		t.Errorf("upstream_rq_active = %d, want 0", got)
	}
}

func TestDubboDownstreamCloseCancels(t *testing.T) {
	release := make(chan struct{})
	p := startProvider(t, "p", func(r *providerReq) providerReply {
		<-release
		return replyValue
	})
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), nil)
	k := newConsumer(t, addr)
	k.send(1, true, "slow", nil)
	eventually(t, "call at the provider", func() bool { return p.requests.Load() == 1 })
	_ = k.c.Close()
	eventually(t, "cx_destroy_remote_with_active_rq", func() bool {
		v, _ := srv.Stats().CounterValue("dubbo.d.cx_destroy_remote_with_active_rq")
		return v == 1
	})
	close(release)
	eventually(t, "response dropped", func() bool {
		v, _ := srv.Stats().CounterValue("dubbo.d.response_error_caused_connection_close")
		return v == 1
	})
	eventually(t, "no call left", func() bool { return gauge(t, srv, "dubbo.d.request_active") == 0 })
}

// TestDubboMultiplexing: many consumer connections share one provider
// connection per loop.
func TestDubboMultiplexing(t *testing.T) {
	p := startProvider(t, "p", nil)
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), nil)
	const clients, calls = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		k := newConsumer(t, addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range calls {
				id := uint64(j + 1)
				k.send(id, true, fmt.Sprintf("m%d", i), nil)
				r := k.read()
				if r.h.ID != id || r.value != fmt.Sprintf("p:m%d", i) {
					errs <- fmt.Errorf("client %d: got %+v", i, r)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// One provider connection per loop that served consumers.
	if n := p.conns.Load(); n < 1 || n > int32(srv.Options().Loops) {
		t.Errorf("provider saw %d connections, want 1..%d (one per loop)", n, srv.Options().Loops)
	}
	for _, name := range []string{"cluster.c.upstream_cx_tx_bytes_total", "cluster.c.upstream_cx_rx_bytes_total"} {
		if n := counter(t, srv, name); n < clients*calls*wire.HeaderSize {
			t.Errorf("%s = %d, want at least a header per call", name, n)
		}
	}
}

func TestDubboConnsPerHost(t *testing.T) {
	p := startProvider(t, "p", nil)
	_, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), func(sh *dubboproxy.Shared) {
		sh.ConnsPerHost = 3
	})
	k := newConsumer(t, addr)
	for i := range 10 {
		if r := k.call(uint64(i+1), "hi", nil); r.value != "p:hi" {
			t.Fatalf("got %+v", r)
		}
	}
	// The third connection may still be on its way to the provider's accept;
	// once it is there, no fourth may follow.
	eventually(t, "the provider to see 3 connections", func() bool { return p.conns.Load() >= 3 })
	time.Sleep(20 * time.Millisecond)
	if n := p.conns.Load(); n != 3 {
		t.Errorf("provider saw %d connections, want 3", n)
	}
}

func TestDubboUpstreamHeartbeat(t *testing.T) {
	t.Run("answered keeps the connection", func(t *testing.T) {
		p := startProvider(t, "p", nil)
		_, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), func(sh *dubboproxy.Shared) {
			sh.HeartbeatInterval = 20 * time.Millisecond
		})
		k := newConsumer(t, addr)
		k.call(1, "hi", nil)
		time.Sleep(200 * time.Millisecond) // ten intervals of idleness
		k.call(2, "hi", nil)
		if n := p.conns.Load(); n != 1 {
			t.Errorf("provider saw %d connections, want 1", n)
		}
	})
	t.Run("unanswered closes and fails calls", func(t *testing.T) {
		p := startProvider(t, "p", func(*providerReq) providerReply { return replyNone })
		p.noHeartbeats.Store(true)
		srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), func(sh *dubboproxy.Shared) {
			sh.HeartbeatInterval = 20 * time.Millisecond
			sh.RequestTimeout = 10 * time.Second
		})
		k := newConsumer(t, addr)
		wantStatus(t, k.call(1, "hi", nil), wire.StatusServerError, "heartbeat timeout")
		eventually(t, "connection closed", func() bool { return gauge(t, srv, "cluster.c.upstream_cx_active") == 0 })
	})
}

// TestDubboClusterUpdate: calls follow a new cluster version at once; the
// idle connection to a host that left the cluster closes.
func TestDubboClusterUpdate(t *testing.T) {
	a := startProvider(t, "a", nil)
	b := startProvider(t, "b", nil)
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", a.addr)), func(sh *dubboproxy.Shared) {
		sh.HeartbeatInterval = 20 * time.Millisecond
	})
	k := newConsumer(t, addr)
	if r := k.call(1, "hi", nil); r.value != "a:hi" {
		t.Fatalf("got %+v", r)
	}
	applyYAML(t, srv, dubboYAML(greeterRoutes, "", staticCluster("c", "", b.addr)))
	if r := k.call(2, "hi", nil); r.value != "b:hi" {
		t.Fatalf("after the update: got %+v", r)
	}
	eventually(t, "the connection to the old host closed", func() bool { return a.open.Load() == 0 })
	if r := k.call(3, "hi", nil); r.value != "b:hi" {
		t.Fatalf("got %+v", r)
	}
}

func TestDubboFilters(t *testing.T) {
	p := startProvider(t, "p", nil)
	t.Run("local reply", func(t *testing.T) {
		filter := `
- name: reject
  config:
    "@type": type.googleapis.com/xds.type.v3.TypedStruct
    type_url: type.skiff.dev/test.dubbo.Reject`
		_, addr := startDubboProxy(t, dubboYAML(greeterRoutes, filter, staticCluster("c", "", p.addr)), nil)
		k := newConsumer(t, addr)
		wantStatus(t, k.call(1, "hi", nil), wire.StatusThreadpoolExhausted, "rate limited: com.foo.Greeter")
		if p.requests.Load() != 0 {
			t.Error("a rejected call reached the provider")
		}
	})
	t.Run("pause and resume", func(t *testing.T) {
		filter := `
- name: delay
  config:
    "@type": type.googleapis.com/xds.type.v3.TypedStruct
    type_url: type.skiff.dev/test.dubbo.Delay`
		_, addr := startDubboProxy(t, dubboYAML(greeterRoutes, filter, staticCluster("c", "", p.addr)), nil)
		k := newConsumer(t, addr)
		// Several calls in one write: each paused call keeps its own copy.
		var batch []byte
		for i := range 10 {
			b, err := wire.AppendRequest(nil, uint64(i+1), true, &wire.Invocation{
				Path: "com.foo.Greeter", Version: "1.0.0", Method: fmt.Sprintf("m%d", i), Args: []any{"x"},
			})
			if err != nil {
				t.Fatal(err)
			}
			batch = append(batch, b...)
		}
		k.write(batch)
		for range 10 {
			r := k.read()
			if want := fmt.Sprintf("p:m%d", r.h.ID-1); r.value != want {
				t.Fatalf("call %d: got %v %q, want %q", r.h.ID, r.value, r.msg, want)
			}
		}
	})
	t.Run("the request timeout starts when the call is routed", func(t *testing.T) {
		// A filter holds the call longer than the request timeout: the call still succeeds, as
		// the timeout counts from routing (as in Envoy), not from the call's arrival.
		filter := `
- name: slow-start
  config:
    "@type": type.googleapis.com/xds.type.v3.TypedStruct
    type_url: type.skiff.dev/test.dubbo.SlowStart`
		yaml := dubboYAML(greeterRoutes, filter, staticCluster("c", "", p.addr)) + `
layered_runtime:
  layers:
  - name: static
    static_layer: {skiff.dubbo.request_timeout_ms: 200}`
		_, addr := startDubboProxy(t, yaml, nil)
		k := newConsumer(t, addr)
		start := time.Now()
		if r := k.call(1, "hi", nil); r.value != "p:hi" {
			t.Fatalf("got %+v", r)
		}
		if d := time.Since(start); d < slowStart {
			t.Fatalf("answered after %v, before the filter let the call go", d)
		}
	})
	t.Run("unknown filter rejects the config", func(t *testing.T) {
		filter := `
- name: unknown
  config:
    "@type": type.googleapis.com/xds.type.v3.TypedStruct
    type_url: type.skiff.dev/test.dubbo.Unknown`
		b, err := config.Parse([]byte(dubboYAML(greeterRoutes, filter, staticCluster("c", "", p.addr))))
		if err != nil {
			t.Fatal(err)
		}
		snap, err := config.Translate(b)
		if err != nil {
			t.Fatal(err)
		}
		err = ValidateSnapshot(snap, &filters.Registry{})
		if !errors.Is(err, config.ErrUnsupported) || !strings.Contains(err.Error(), "test.dubbo.Unknown") {
			t.Fatalf("validate: %v, want unsupported test.dubbo.Unknown", err)
		}
	})
}

// TestDubboProviderReadonly: a provider's READONLY event moves new calls to
// a new connection; the old one closes once its calls are done.
func TestDubboProviderReadonly(t *testing.T) {
	p := startProvider(t, "p", func(r *providerReq) providerReply {
		if string(r.head.Method) == "bye" {
			return replyReadonly
		}
		return replyValue
	})
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), nil)
	k := newConsumer(t, addr)
	k.call(1, "bye", nil)
	eventually(t, "the old connection closed", func() bool { return counter(t, srv, "cluster.c.upstream_cx_destroy") == 1 })
	if r := k.call(2, "hi", nil); r.value != "p:hi" {
		t.Fatalf("got %+v", r)
	}
	if n := p.conns.Load(); n != 2 {
		t.Errorf("provider saw %d connections, want 2", n)
	}
}

// TestDubboBackPressure: a consumer that does not read gets its reading
// paused once more than the buffer limit waits for it.
func TestDubboBackPressure(t *testing.T) {
	big := strings.Repeat("x", 512<<10)
	bigResp, err := wire.AppendResponse(nil, 0, big, nil)
	if err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int32
	bigProvider := serveTCP(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			_, h, err := readFrame(br)
			if err != nil {
				return
			}
			if h.IsEvent() || !h.IsTwoWay() {
				continue
			}
			requests.Add(1)
			resp := append([]byte(nil), bigResp...)
			wire.PutID(resp, h.ID)
			if _, err := c.Write(resp); err != nil {
				return
			}
		}
	})
	yaml := strings.Replace(dubboYAML(greeterRoutes, "", staticCluster("c", "", bigProvider)),
		"    address: {socket_address: {address: 127.0.0.1, port_value: 0}}",
		"    address: {socket_address: {address: 127.0.0.1, port_value: 0}}\n    per_connection_buffer_limit_bytes: 32768", 1)
	_, addr := startDubboProxy(t, yaml, func(sh *dubboproxy.Shared) { sh.RequestTimeout = 30 * time.Second })
	k := newConsumer(t, addr)
	_ = k.c.SetReadBuffer(16 << 10)
	// 32 responses of 512 KiB (16 MiB) are far more than the socket buffers take.
	for i := range 32 {
		k.send(uint64(i+1), true, "big", nil)
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	t.Logf("%d of 32 calls reached the provider while the consumer did not read", requests.Load())
	if n := requests.Load(); n >= 32 {
		t.Fatalf("all %d calls reached the provider: reading was not paused", n)
	}
	_ = k.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for i := range 32 {
		frame, h, err := readFrame(k.br)
		if err != nil || h.Status != wire.StatusOK || len(frame) < len(big) {
			t.Fatalf("response %d: status %d, %d bytes, %v", i, h.Status, len(frame), err)
		}
	}
}

func TestDubboDrainSendsReadonly(t *testing.T) {
	release := make(chan struct{})
	p := startProvider(t, "p", func(r *providerReq) providerReply {
		if string(r.head.Method) == "slow" {
			<-release
		}
		return replyValue
	})
	srv, addr := startDubboProxy(t, dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)), nil)
	idle := newConsumer(t, addr)
	busy := newConsumer(t, addr)
	idle.call(1, "hi", nil)
	busy.send(2, true, "slow", nil)
	eventually(t, "slow call at the provider", func() bool { return p.requests.Load() == 2 })
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background(), 5*time.Second) }()
	for _, k := range []*consumer{idle, busy} {
		r := k.read()
		if !r.h.IsEvent() || !r.h.IsRequest() || r.h.IsTwoWay() {
			t.Fatalf("got header %+v, want a READONLY event", r.h)
		}
	}
	idle.expectClosed()
	close(release)
	if r := busy.read(); r.h.ID != 2 || r.value != "p:slow" {
		t.Fatalf("in-flight call: got %+v", r)
	}
	busy.expectClosed()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
