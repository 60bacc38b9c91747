// Command demo-upstream is the upstream that `make run` puts behind Skiff: a TCP echo server and a
// small HTTP/1.1 server that reports the request it saw. It exists so that the example bootstrap
// (examples/bootstrap.yaml) has something to proxy to.
//
// Usage:
//
//	demo-upstream [-echo 127.0.0.1:10001] [-http 127.0.0.1:10002]
//
// It stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownTimeout bounds how long a graceful stop waits for in-flight HTTP requests.
const shutdownTimeout = 5 * time.Second

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	err := run(os.Args[1:], logger)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		logger.Error("demo-upstream failed", "err", err)
		os.Exit(1)
	}
}

// run parses args, starts both servers and blocks until SIGINT or SIGTERM, then stops them.
func run(args []string, logger *slog.Logger) error {
	fs := flag.NewFlagSet("demo-upstream", flag.ContinueOnError)
	echoAddr := fs.String("echo", "127.0.0.1:10001", "address of the TCP echo server")
	httpAddr := fs.String("http", "127.0.0.1:10002", "address of the HTTP/1.1 server")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	up, err := startUpstream(*echoAddr, *httpAddr, logger)
	if err != nil {
		return err
	}
	logger.Info("demo-upstream listening", "echo", up.EchoAddr().String(), "http", up.HTTPAddr().String())
	<-ctx.Done()
	logger.Info("demo-upstream stopping")

	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := up.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("demo-upstream stopped")
	return nil
}
