package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func startTestUpstream(t *testing.T) *upstream {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	up, err := startUpstream("127.0.0.1:0", "127.0.0.1:0", logger)
	if err != nil {
		t.Fatalf("startUpstream: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := up.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return up
}

func TestEcho(t *testing.T) {
	up := startTestUpstream(t)
	tests := []struct {
		name string
		msgs []string
	}{
		{name: "one line", msgs: []string{"hello\n"}},
		{name: "several writes", msgs: []string{"a\n", "bb\n", "ccc\n"}},
		{name: "large", msgs: []string{strings.Repeat("x", 256<<10) + "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", up.EchoAddr().String())
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			r := bufio.NewReader(c)
			for _, msg := range tt.msgs {
				go c.Write([]byte(msg))
				got, err := r.ReadString('\n')
				if err != nil {
					t.Fatalf("read: %v", err)
				}
				if got != msg {
					t.Fatalf("echo returned %d bytes, want %d", len(got), len(msg))
				}
			}
		})
	}
}

func TestHTTP(t *testing.T) {
	up := startTestUpstream(t)
	tests := []struct {
		name    string
		path    string
		headers map[string]string
		want    []string
	}{
		{name: "root", path: "/", want: []string{greeting, "GET / HTTP/1.1\n"}},
		{
			name:    "path and headers",
			path:    "/a/b?c=d",
			headers: map[string]string{"X-Demo": "yes"},
			want:    []string{greeting, "GET /a/b?c=d HTTP/1.1\n", "X-Demo: yes\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "http://"+up.HTTPAddr().String()+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			client := &http.Client{Timeout: 5 * time.Second}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("read body: %v", err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			if !strings.HasPrefix(string(body), greeting) {
				t.Errorf("body does not start with the greeting:\n%s", body)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("body lacks %q:\n%s", w, body)
				}
			}
		})
	}
}

func TestShutdownClosesEchoConnections(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	up, err := startUpstream("127.0.0.1:0", "127.0.0.1:0", logger)
	if err != nil {
		t.Fatalf("startUpstream: %v", err)
	}
	c, err := net.Dial("tcp", up.EchoAddr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	// A round trip proves the server has accepted and tracks the connection.
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := up.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("read after shutdown: %v, want EOF", err)
	}
}
