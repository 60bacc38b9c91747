package server

import (
	"strings"
	"testing"
	"time"

	wire "github.com/skiffmesh/skiff/protocol/dubbo"
)

// TestDubboRuntimeKeys: the skiff.dubbo.* keys of layered_runtime's static
// layer set the options of the Dubbo connection managers built after it; a
// bad value is ignored (the default applies).
func TestDubboRuntimeKeys(t *testing.T) {
	tests := []struct {
		name      string
		layer     string
		wantConns int32
		timeout   time.Duration // of a call nobody answers
		tooLarge  bool          // a call with a 4 KiB argument is refused
	}{
		{"defaults", `{}`, 1, 0, false},
		{"two connections per host", `{skiff.dubbo.upstream_connections_per_host: 2}`, 2, 0, false},
		{"nested keys and a request timeout", `{skiff: {dubbo: {upstream_connections_per_host: "3", request_timeout_ms: 150}}}`, 3, 150 * time.Millisecond, false},
		{"max body", `{skiff.dubbo.max_body_bytes: 2048}`, 1, 0, true},
		{"bad values ignored", `{skiff.dubbo.upstream_connections_per_host: "many", skiff.dubbo.heartbeat_interval_ms: -1}`, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startProvider(t, "p", func(r *providerReq) providerReply {
				if string(r.head.Method) == "hang" {
					return replyNone
				}
				return replyValue
			})
			yaml := dubboYAML(greeterRoutes, "", staticCluster("c", "", p.addr)) + `
layered_runtime:
  layers:
  - name: static
    static_layer: ` + tt.layer
			_, addr := startDubboProxy(t, yaml, nil)
			k := newConsumer(t, addr) // one consumer connection: one loop
			for i := range 10 {
				if r := k.call(uint64(i+1), "hi", nil); r.value != "p:hi" {
					t.Fatalf("got %+v", r)
				}
			}
			// Extra connections are dialled while calls go out on the first one: the last may
			// still be on its way to the provider when the calls are done.
			eventually(t, "the provider to see the connections", func() bool { return p.conns.Load() >= tt.wantConns })
			if n := p.conns.Load(); n != tt.wantConns {
				t.Errorf("provider saw %d connections, want %d", n, tt.wantConns)
			}
			if tt.tooLarge {
				wantStatus(t, k.call(101, "big", []any{strings.Repeat("x", 4096)}), wire.StatusBadRequest, "too_large")
			}
			if tt.timeout == 0 {
				return
			}
			start := time.Now()
			wantStatus(t, k.call(100, "hang", nil), wire.StatusServerTimeout, "timeout after "+tt.timeout.String())
			if d := time.Since(start); d > tt.timeout+time.Second {
				t.Errorf("timed out after %v, want about %v", d, tt.timeout)
			}
		})
	}
}
