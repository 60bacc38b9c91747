//go:build linux

package loadgen_test

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/bench/echo"
	"github.com/skiffmesh/skiff/bench/httpbackend"
	"github.com/skiffmesh/skiff/bench/loadgen"
)

// startEcho runs an in-process echo server on a loopback port.
func startEcho(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var s echo.Server
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// startHTTP runs an in-process HTTP backend on a loopback port.
func startHTTP(t *testing.T, sizes ...int) string {
	t.Helper()
	s, err := httpbackend.New(sizes)
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

func TestRunOpenLoopDirect(t *testing.T) {
	addr := startEcho(t)
	cfg := loadgen.Config{
		Addr: addr, Mode: loadgen.Open, Conns: 4, Rate: 2000, Size: 64,
		Warmup: 100 * time.Millisecond, Duration: 400 * time.Millisecond,
		Spin: 50 * time.Microsecond, Drain: time.Second,
	}
	var starts, ends int
	hooks := loadgen.Hooks{MeasureStart: func() { starts++ }, MeasureEnd: func() { ends++ }}
	res := runOpen(t, cfg, hooks, 800)
	if starts != 1 || ends != 1 {
		t.Errorf("hooks ran %d/%d times, want 1/1", starts, ends)
	}
	if res.SendLag.P50 > time.Millisecond {
		t.Errorf("send lag p50 = %v, want < 1ms", res.SendLag.P50)
	}
}

// runOpen runs an open-loop cfg against a backend of this process and
// checks what every protocol must do: the schedule is fixed, so exactly
// want requests (rate*duration) fall in the window and all finish; the
// p50 is plausible; and backend and generator together allocate far less
// than once per request.
func runOpen(t *testing.T, cfg loadgen.Config, hooks loadgen.Hooks, want int64) loadgen.Result {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := loadgen.Run(cfg, hooks)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != want || res.Unfinished != 0 {
		t.Errorf("requests = %d, unfinished = %d; want %d, 0", res.Requests, res.Unfinished, want)
	}
	if res.Latency.P50 <= 0 || res.Latency.P50 > 20*time.Millisecond {
		t.Errorf("p50 = %v, want within (0, 20ms]", res.Latency.P50)
	}
	if mallocs := after.Mallocs - before.Mallocs; mallocs > uint64(res.Requests)/4 {
		t.Errorf("%d allocations for %d requests", mallocs, res.Requests)
	}
	t.Logf("open %s: %d req, latency %+v, send lag %+v", cfg.Protocol, res.Requests, res.Latency, res.SendLag)
	return res
}

func TestRunClosedLoopDirect(t *testing.T) {
	addr := startEcho(t)
	cfg := loadgen.Config{
		Addr: addr, Mode: loadgen.Closed, Conns: 8, Size: 64,
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
}

func TestRunDeadServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := loadgen.Config{Addr: addr, Mode: loadgen.Closed, Conns: 1, Size: 8, Duration: time.Millisecond}
	if _, err := loadgen.Run(cfg, loadgen.Hooks{}); err == nil {
		t.Fatal("Run against a closed port succeeded")
	}
}

// The HTTP mode against the HTTP backend, both in this process: the
// schedule holds, every response is framed, and neither side allocates
// per request.
func TestRunHTTPDirect(t *testing.T) {
	addr := startHTTP(t, 16, 1024)
	for _, path := range []string{httpbackend.Path(16), httpbackend.Path(1024)} {
		t.Run("open "+path, func(t *testing.T) {
			cfg := loadgen.Config{
				Addr: addr, Mode: loadgen.Open, Protocol: loadgen.HTTP, Path: path, Conns: 4, Rate: 2000,
				Warmup: 100 * time.Millisecond, Duration: 300 * time.Millisecond,
				Spin: 50 * time.Microsecond, Drain: time.Second,
			}
			runOpen(t, cfg, loadgen.Hooks{}, 600)
		})
	}
	t.Run("closed", func(t *testing.T) {
		cfg := loadgen.Config{
			Addr: addr, Mode: loadgen.Closed, Protocol: loadgen.HTTP, Path: httpbackend.Path(1024), Conns: 16,
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

// A status other than 200 ends the run with an error naming it.
func TestRunHTTPRejectsStatus(t *testing.T) {
	addr := startHTTP(t, 16)
	cfg := loadgen.Config{Addr: addr, Mode: loadgen.Closed, Protocol: loadgen.HTTP, Path: "/missing", Conns: 1,
		Duration: 50 * time.Millisecond, Drain: time.Second}
	_, err := loadgen.Run(cfg, loadgen.Hooks{})
	if err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Fatalf("Run = %v, want a status 404 error", err)
	}
}
