package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/skiffmesh/skiff/bench/echo"
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
	var s echo.Server
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
	var mode string
	fs.StringVar(&cfg.Addr, "addr", "", "target host:port (literal IP)")
	fs.StringVar(&mode, "mode", "open", "open (fixed schedule) or closed (send on response)")
	fs.IntVar(&cfg.Conns, "conns", 16, "connections")
	fs.Float64Var(&cfg.Rate, "rate", 1000, "open mode: total req/s")
	fs.IntVar(&cfg.Size, "size", 64, "message size in bytes")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up, not measured")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured window")
	fs.DurationVar(&cfg.Spin, "spin", 100*time.Microsecond, "open mode: busy-poll this long before each send")
	fs.DurationVar(&cfg.Drain, "drain", 2*time.Second, "time allowed after the window for its requests to finish")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Mode = loadgen.Mode(mode)
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
	_, err = fmt.Printf("%s%s\n", runner.ResultLine, js)
	return err
}
