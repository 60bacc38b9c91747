package dubbo

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

func TestReplyStatus(t *testing.T) {
	tests := []struct {
		name string
		http int
		want byte
	}{
		{"ok", 200, dubbo.StatusOK},
		{"bad request", 400, dubbo.StatusBadRequest},
		{"forbidden", 403, dubbo.StatusServiceError},
		{"not found", 404, dubbo.StatusServiceNotFound},
		{"request timeout", 408, dubbo.StatusServerTimeout},
		{"rate limited", 429, dubbo.StatusThreadpoolExhausted},
		{"internal", 500, dubbo.StatusServerError},
		{"unavailable", 503, dubbo.StatusServiceError},
		{"gateway timeout", 504, dubbo.StatusServerTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := replyStatus(tt.http); got != tt.want {
				t.Errorf("replyStatus(%d) = %d, want %d", tt.http, got, tt.want)
			}
		})
	}
}

func TestReplyMessage(t *testing.T) {
	tests := []struct {
		name string
		r    filters.LocalReply
		want string
	}{
		{"body", filters.LocalReply{Status: 429, Body: []byte("too many"), Details: "rate_limited"}, "too many"},
		{"details", filters.LocalReply{Status: 429, Details: "rate_limited"}, "skiff: rate_limited"},
		{"status", filters.LocalReply{Status: 503}, "skiff: 503 Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := replyMessage(tt.r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNoRouteMessage(t *testing.T) {
	c := &call{}
	c.head.Path, c.head.Version, c.head.Method = []byte("com.foo.Greeter"), []byte("1.0.0"), []byte("sayHello")
	if got, want := noRouteMessage(c), "skiff: no route for com.foo.Greeter:1.0.0 sayHello"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	c.head.Version = nil
	if got, want := noRouteMessage(c), "skiff: no route for com.foo.Greeter sayHello"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestConnectReason(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), "connection refused"},
		{"timeout", fmt.Errorf("x: %w", upstream.ErrConnectTimeout), "connect timeout"},
		{"other", errors.New("boom"), "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := connectReason(tt.err); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
