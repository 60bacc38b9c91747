package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/skiffmesh/skiff/bench/echo"
	"github.com/skiffmesh/skiff/bench/httpbackend"
	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/bench/runner"
)

// runEcho serves echo until SIGTERM or SIGINT; it prints
// "listening ADDR" once the listener is up.
func runEcho(args []string) error {
	fs := flag.NewFlagSet("echo-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("echo-server: %w", err)
	}
	return serveUntilSignal(&echo.Server{}, ln)
}

// runHTTP serves the HTTP backend until SIGTERM or SIGINT; it prints
// "listening ADDR" once the listener is up.
func runHTTP(args []string) error {
	fs := flag.NewFlagSet("http-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	sizes := fs.String("sizes", "16,1024", "response body sizes; GET /N answers N bytes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ns, err := parseInts(*sizes)
	if err != nil {
		return fmt.Errorf("http-server: -sizes: %w", err)
	}
	s, err := httpbackend.New(ns)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		s.Close()
		return fmt.Errorf("http-server: %w", err)
	}
	return serveUntilSignal(s, ln)
}

// backendServer is a benchmark backend.
type backendServer interface {
	Serve(net.Listener) error
	Close() error
}

// serveUntilSignal serves s on ln until SIGTERM or SIGINT; it prints
// "listening ADDR" once the listener is up.
func serveUntilSignal(s backendServer, ln net.Listener) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		s.Close()
	}()
	fmt.Printf("%s%s\n", runner.EchoReadyPrefix, ln.Addr())
	return s.Serve(ln)
}

// runLoad runs one load generation and prints the window marks and the
// result line that the orchestrator reads.
func runLoad(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var cfg loadgen.Config
	var mode, proto string
	fs.StringVar(&cfg.Addr, "addr", "", "target host:port (literal IP)")
	fs.StringVar(&mode, "mode", "open", "open (fixed schedule) or closed (send on response)")
	fs.IntVar(&cfg.Conns, "conns", 16, "connections")
	fs.Float64Var(&cfg.Rate, "rate", 1000, "open mode: total req/s")
	fs.StringVar(&proto, "proto", "echo", "echo (Size bytes echoed), http (GET -path, keep-alive) or dubbo (-size-byte string argument, -window outstanding per connection)")
	fs.IntVar(&cfg.Window, "window", 32, "dubbo: most requests outstanding per connection (closed mode keeps this many)")
	fs.StringVar(&cfg.Path, "path", "/1024", "http: request path")
	fs.IntVar(&cfg.Size, "size", 64, "echo: message size in bytes; dubbo: argument length")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up, not measured")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured window")
	fs.DurationVar(&cfg.Spin, "spin", 100*time.Microsecond, "open mode: busy-poll this long before each send")
	fs.DurationVar(&cfg.Drain, "drain", 2*time.Second, "time allowed after the window for its requests to finish")
	hold := fs.Bool(strings.TrimPrefix(runner.HoldFlag, "-"), false, "after printing the result, keep running until stdin is closed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Mode, cfg.Protocol = loadgen.Mode(mode), loadgen.Protocol(proto)
	res, err := loadgen.Run(cfg, loadgen.Hooks{
		MeasureStart: func() { os.Stdout.WriteString(runner.MarkStart + "\n") },
		MeasureEnd:   func() { os.Stdout.WriteString(runner.MarkEnd + "\n") },
	})
	if err != nil {
		return err
	}
	js, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if _, err = fmt.Printf("%s%s\n", runner.ResultLine, js); err != nil || !*hold {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}
