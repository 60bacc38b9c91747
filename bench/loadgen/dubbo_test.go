//go:build linux

package loadgen_test

import (
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/bench/dubbobackend"
	"github.com/skiffmesh/skiff/bench/dubbocall"
	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// startDubbo runs an in-process Dubbo backend on a loopback port.
func startDubbo(t *testing.T) string {
	t.Helper()
	s, err := dubbobackend.New()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// The Dubbo mode against the Dubbo backend, both in this process: the
// open-loop schedule holds over two multiplexed connections, every
// response is matched by ID, and neither side allocates per request.
func TestRunDubboDirect(t *testing.T) {
	addr := startDubbo(t)
	t.Run("open", func(t *testing.T) {
		cfg := loadgen.Config{
			Addr: addr, Mode: loadgen.Open, Protocol: loadgen.Dubbo, Conns: 2, Window: 64, Rate: 2000, Size: 64,
			Warmup: 100 * time.Millisecond, Duration: 300 * time.Millisecond,
			Spin: 50 * time.Microsecond, Drain: time.Second,
		}
		runOpen(t, cfg, loadgen.Hooks{}, 600)
	})
	t.Run("closed", func(t *testing.T) {
		cfg := loadgen.Config{
			Addr: addr, Mode: loadgen.Closed, Protocol: loadgen.Dubbo, Conns: 2, Window: 16, Size: 64,
			Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond, Drain: time.Second,
		}
		res, err := loadgen.Run(cfg, loadgen.Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests < 100 || res.Unfinished != 0 {
			t.Errorf("requests = %d, unfinished = %d; want >= 100, 0", res.Requests, res.Unfinished)
		}
		t.Logf("closed: %.0f req/s, latency %+v", res.Throughput(), res.Latency)
	})
}

// startProvider runs a fake Dubbo provider on a loopback port: for the
// request IDs of every batch of frames it reads (events left out),
// answer returns the bytes to write back.
func startProvider(t *testing.T, answer func(ids []uint64) []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			go serveProvider(c, answer)
		}
	}()
	return ln.Addr().String()
}

func serveProvider(c net.Conn, answer func(ids []uint64) []byte) {
	buf := make([]byte, 0, 64<<10)
	for {
		n, err := c.Read(buf[len(buf):cap(buf)])
		if err != nil {
			return
		}
		buf = buf[:len(buf)+n]
		var ids []uint64
		used := 0
		for {
			frame, h, err := dubbo.NextFrame(buf[used:], dubbocall.MaxFrame)
			if err != nil || frame == nil {
				break
			}
			if h.IsRequest() && !h.IsEvent() {
				ids = append(ids, h.ID)
			}
			used += len(frame)
		}
		buf = buf[:copy(buf, buf[used:])]
		if _, err := c.Write(answer(ids)); err != nil {
			return
		}
	}
}

// responses encodes an OK response for each ID, with status status.
func responses(t *testing.T, ids []uint64, status byte) []byte {
	var out []byte
	for _, id := range ids {
		frame, err := dubbocall.Response(id)
		if err != nil {
			t.Error(err)
			return nil
		}
		frame[3] = status
		out = append(out, frame...)
	}
	return out
}

func TestRunDubboProviders(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(t *testing.T, ids []uint64) []byte
		wantErr string // "" for success
	}{
		{"responses out of order are matched by ID", func(t *testing.T, ids []uint64) []byte {
			slices.Reverse(ids)
			return responses(t, ids, dubbo.StatusOK)
		}, ""},
		{"heartbeats from the provider are answered", func(t *testing.T, ids []uint64) []byte {
			return append(dubbo.AppendHeartbeatRequest(nil, 1<<40), responses(t, ids, dubbo.StatusOK)...)
		}, ""},
		{"an unknown ID fails the run", func(t *testing.T, ids []uint64) []byte {
			ids[0] += 1 << 40
			return responses(t, ids, dubbo.StatusOK)
		}, loadgen.ErrUnknownID.Error()},
		{"a status other than OK fails the run", func(t *testing.T, ids []uint64) []byte {
			return responses(t, ids, dubbo.StatusServiceError)
		}, "status 70"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := startProvider(t, func(ids []uint64) []byte { return tt.answer(t, ids) })
			cfg := loadgen.Config{Addr: addr, Mode: loadgen.Closed, Protocol: loadgen.Dubbo, Conns: 2, Window: 8, Size: 16,
				Warmup: 20 * time.Millisecond, Duration: 100 * time.Millisecond, Drain: time.Second}
			res, err := loadgen.Run(cfg, loadgen.Hooks{})
			if tt.wantErr == "" {
				if err != nil || res.Requests < 16 || res.Unfinished != 0 {
					t.Fatalf("Run = %+v, %v; want >= 16 requests, none unfinished", res, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Run = %v, want an error with %q", err, tt.wantErr)
			}
			if tt.wantErr == loadgen.ErrUnknownID.Error() && !errors.Is(err, loadgen.ErrUnknownID) {
				t.Errorf("error %v does not wrap ErrUnknownID", err)
			}
		})
	}
}

func TestDubboConfigValidate(t *testing.T) {
	base := loadgen.Config{Addr: "127.0.0.1:1", Mode: loadgen.Closed, Protocol: loadgen.Dubbo, Conns: 2, Window: 32, Size: 64, Duration: time.Second}
	if err := base.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for name, mutate := range map[string]func(*loadgen.Config){
		"zero window":      func(c *loadgen.Config) { c.Window = 0 },
		"window too large": func(c *loadgen.Config) { c.Window = 1<<16 + 1 },
		"zero size":        func(c *loadgen.Config) { c.Size = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			c := base
			mutate(&c)
			if c.Validate() == nil {
				t.Errorf("%+v accepted", c)
			}
		})
	}
}

// In Closed mode a connection keeps exactly Window requests outstanding:
// a provider that answers only once it holds Window requests keeps the
// run going, and never holds more.
func TestRunDubboKeepsWindow(t *testing.T) {
	const window = 4
	var mu sync.Mutex
	var held []uint64
	most := 0
	addr := startProvider(t, func(ids []uint64) []byte {
		mu.Lock()
		defer mu.Unlock()
		held = append(held, ids...)
		most = max(most, len(held))
		if len(held) < window {
			return nil
		}
		out := responses(t, held, dubbo.StatusOK)
		held = held[:0]
		return out
	})
	cfg := loadgen.Config{Addr: addr, Mode: loadgen.Closed, Protocol: loadgen.Dubbo, Conns: 1, Window: window, Size: 16,
		Warmup: 20 * time.Millisecond, Duration: 100 * time.Millisecond, Drain: time.Second}
	res, err := loadgen.Run(cfg, loadgen.Hooks{})
	if err != nil || res.Requests < window || res.Unfinished != 0 {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if most != window {
		t.Errorf("provider held up to %d requests, want %d", most, window)
	}
}
