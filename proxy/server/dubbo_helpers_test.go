package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/filters/fault"
	filterstats "github.com/skiffmesh/skiff/filters/stats"
	wire "github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/config"
	dubboproxy "github.com/skiffmesh/skiff/proxy/dubbo"
)

// dubboYAML is a bootstrap with one dubbo_proxy listener (stat prefix "d")
// on an ephemeral port. routeConfigs is the route_config list, filters
// dubbo_filters before the router, clusters whole cluster entries.
func dubboYAML(routeConfigs, filters, clusters string) string {
	return fmt.Sprintf(`
static_resources:
  listeners:
  - name: l
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.dubbo_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.v3.DubboProxy
          stat_prefix: d
          route_config:
%s
          dubbo_filters:
%s
          - name: envoy.filters.dubbo.router
  clusters:
%s`, indent(routeConfigs, 10), indent(filters, 10), indent(clusters, 2))
}

// greeterRoutes routes every method of com.foo.Greeter to cluster c.
const greeterRoutes = `
- name: greeter
  interface: com.foo.Greeter
  routes:
  - match: {method: {name: {safe_regex: {regex: ".*"}}}}
    route: {cluster: c}`

// startDubboProxy is startProxy with the Dubbo options set by tweak (nil:
// defaults) and the test filters and filters/stats registered.
func startDubboProxy(t testing.TB, yaml string, tweak func(*dubboproxy.Shared)) (*Server, string) {
	t.Helper()
	b, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	snap, err := config.Translate(b)
	if err != nil {
		t.Fatalf("translate: %v", err)
	}
	reg := &filters.Registry{}
	fault.Register(reg)
	filterstats.Register(reg)
	reg.Register("test.dubbo.Reject", buildRejectFilter)
	reg.Register("test.dubbo.Delay", buildDelayFilter)
	reg.Register("test.dubbo.SlowStart", buildSlowStartFilter)
	srv, err := New(Options{Loops: 2, Logger: testLogger(t), Filters: reg})
	if err != nil {
		t.Fatal(err)
	}
	if tweak != nil {
		tweak(srv.dubboShared)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background(), 0) })
	if err := srv.Apply(snap); err != nil {
		t.Fatalf("apply: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return srv, srv.ListenerAddrs()["l"].String()
}

// rejectFilter answers every call with a local reply of HTTP status 429
// (what a rate limiter does).
type rejectFilter struct{ filters.PassThrough }

func (rejectFilter) OnRequest(s filters.Stream, r filters.Request) filters.Action {
	if r.Protocol() != filters.Dubbo {
		return filters.Continue
	}
	svc, _ := r.Attribute("service")
	s.SendLocalReply(filters.LocalReply{Status: 429, Body: []byte("rate limited: " + string(svc))})
	return filters.Stop
}

func buildRejectFilter(proto.Message, filters.Deps) (filters.Factory, error) {
	return filters.FactoryFunc(func() filters.Filter { return rejectFilter{} }), nil
}

// delayFilter pauses every call for a millisecond in both phases, then
// resumes it from a loop timer.
type delayFilter struct{}

func (delayFilter) OnRequest(s filters.Stream, r filters.Request) filters.Action {
	s.AfterFunc(time.Millisecond, s.Resume)
	return filters.Stop
}

func (delayFilter) OnResponse(s filters.Stream, r filters.Response) filters.Action {
	s.AfterFunc(time.Millisecond, s.Resume)
	return filters.Stop
}

func (delayFilter) OnDone(filters.Stream) {}

func buildDelayFilter(proto.Message, filters.Deps) (filters.Factory, error) {
	return filters.FactoryFunc(func() filters.Filter { return delayFilter{} }), nil
}

// slowStartFilter holds each request for slowStart before it goes on to the router.
type slowStartFilter struct{ filters.PassThrough }

const slowStart = 300 * time.Millisecond

func (slowStartFilter) OnRequest(s filters.Stream, r filters.Request) filters.Action {
	s.AfterFunc(slowStart, s.Resume)
	return filters.Stop
}

func buildSlowStartFilter(proto.Message, filters.Deps) (filters.Factory, error) {
	return filters.FactoryFunc(func() filters.Filter { return slowStartFilter{} }), nil
}

// providerReq is one request a test provider received.
type providerReq struct {
	h    wire.Header
	head wire.RequestHead
	body []byte
	args []any
	att  map[string]string
}

// providerReply is what a provider handler does with a request.
type providerReply int

const (
	replyValue    providerReply = iota // answer name:method
	replyNone                          // do not answer
	replyClose                         // close the connection
	replyReadonly                      // answer, then send a READONLY event
	replyGarbage                       // answer with bytes that are not a frame
)

// provider is an in-test Dubbo provider on loopback, written with the codec.
type provider struct {
	name     string
	addr     string
	conns    atomic.Int32 // accepted
	open     atomic.Int32 // still open
	requests atomic.Int32
	// heartbeats: answer heartbeat requests (default true).
	noHeartbeats atomic.Bool
	handle       func(r *providerReq) providerReply
}

// startProvider serves Dubbo on a loopback port. Calls are answered with
// the string "<name>:<method>" unless handle says otherwise.
func startProvider(t testing.TB, name string, handle func(r *providerReq) providerReply) *provider {
	p := &provider{name: name, handle: handle}
	p.addr = serveTCP(t, func(c net.Conn) {
		p.conns.Add(1)
		p.open.Add(1)
		defer p.open.Add(-1)
		p.serve(c)
	})
	return p
}

func (p *provider) serve(c net.Conn) {
	br := bufio.NewReader(c)
	var mu sync.Mutex
	write := func(b []byte) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = c.Write(b)
	}
	for {
		frame, h, err := readFrame(br)
		if err != nil {
			return
		}
		if h.IsEvent() {
			if wire.IsHeartbeat(h, frame[wire.HeaderSize:]) && h.IsTwoWay() && !p.noHeartbeats.Load() {
				write(wire.AppendHeartbeatResponse(nil, h.ID))
			}
			continue
		}
		r := &providerReq{h: h, body: frame[wire.HeaderSize:]}
		if err := wire.ParseRequestHead(r.body, &r.head); err != nil {
			return
		}
		r.args, _ = wire.DecodeArguments(r.body, &r.head)
		r.att, _ = wire.DecodeAttachments(r.body, &r.head)
		p.requests.Add(1)
		action := replyValue
		if p.handle != nil {
			action = p.handle(r)
		}
		switch action {
		case replyClose:
			return
		case replyGarbage:
			write([]byte("this is not dubbo"))
		case replyValue, replyReadonly:
			if h.IsTwoWay() {
				resp, _ := wire.AppendResponse(nil, h.ID, p.name+":"+string(r.head.Method), nil)
				write(resp)
			}
			if action == replyReadonly {
				write(wire.AppendReadonlyEvent(nil, 1))
			}
		}
	}
}

// readFrame reads one whole Dubbo frame.
func readFrame(br *bufio.Reader) ([]byte, wire.Header, error) {
	hdr := make([]byte, wire.HeaderSize)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, wire.Header{}, err
	}
	h, err := wire.ParseHeader(hdr, wire.DefaultMaxBodySize)
	if err != nil {
		return nil, h, err
	}
	frame := make([]byte, h.FrameLen())
	copy(frame, hdr)
	if _, err := io.ReadFull(br, frame[wire.HeaderSize:]); err != nil {
		return nil, h, err
	}
	return frame, h, nil
}

// consumer is a raw Dubbo client connection to the proxy.
type consumer struct {
	t  testing.TB
	c  *net.TCPConn
	br *bufio.Reader
}

func newConsumer(t testing.TB, addr string) *consumer {
	c := dial(t, addr)
	return &consumer{t: t, c: c, br: bufio.NewReader(c)}
}

// send writes a request for method of com.foo.Greeter:1.0.0 with args and
// attachments (key/value pairs).
func (k *consumer) send(id uint64, twoWay bool, method string, args []any, kv ...string) {
	k.t.Helper()
	k.sendTo(id, twoWay, "com.foo.Greeter", method, args, kv...)
}

func (k *consumer) sendTo(id uint64, twoWay bool, iface, method string, args []any, kv ...string) {
	k.t.Helper()
	inv := &wire.Invocation{Path: iface, Version: "1.0.0", Method: method, Args: args, Attachments: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		inv.Attachments[kv[i]] = kv[i+1]
	}
	b, err := wire.AppendRequest(nil, id, twoWay, inv)
	if err != nil {
		k.t.Fatal(err)
	}
	k.write(b)
}

func (k *consumer) write(b []byte) {
	k.t.Helper()
	if _, err := k.c.Write(b); err != nil {
		k.t.Fatal(err)
	}
}

// response is a decoded response frame.
type response struct {
	h      wire.Header
	status byte
	value  any
	msg    string
}

// read reads the next frame (5 s limit) and decodes it as a response.
func (k *consumer) read() response {
	k.t.Helper()
	_ = k.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	frame, h, err := readFrame(k.br)
	if err != nil {
		k.t.Fatalf("read response: %v", err)
	}
	if h.IsEvent() || h.IsRequest() {
		return response{h: h}
	}
	status, value, msg, err := wire.DecodeResponse(frame)
	if err != nil {
		k.t.Fatalf("decode response: %v", err)
	}
	return response{h: h, status: status, value: value, msg: msg}
}

// call sends a two-way request and reads its response.
func (k *consumer) call(id uint64, method string, args []any, kv ...string) response {
	k.t.Helper()
	k.send(id, true, method, args, kv...)
	r := k.read()
	if r.h.ID != id {
		k.t.Fatalf("response ID %d, want %d", r.h.ID, id)
	}
	return r
}

// expectClosed waits for the proxy to close the connection.
func (k *consumer) expectClosed() {
	k.t.Helper()
	_ = k.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := io.Copy(io.Discard, k.br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		k.t.Fatal("connection not closed by the proxy")
	}
}

func wantStatus(t testing.TB, r response, status byte, msgPart string) {
	t.Helper()
	if r.status != status || !strings.Contains(r.msg, msgPart) {
		t.Fatalf("response status %d %q, want %d containing %q", r.status, r.msg, status, msgPart)
	}
}
