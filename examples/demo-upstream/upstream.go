package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
)

// upstream is a running echo server and HTTP server pair.
type upstream struct {
	echo *echoServer
	http *httpServer
}

// startUpstream listens on echoAddr and httpAddr (either may use port 0) and serves both in the
// background. On error nothing is left running. Stop it with Shutdown.
func startUpstream(echoAddr, httpAddr string, logger *slog.Logger) (*upstream, error) {
	echoLn, err := net.Listen("tcp", echoAddr)
	if err != nil {
		return nil, fmt.Errorf("echo: listen on %s: %w", echoAddr, err)
	}
	httpLn, err := net.Listen("tcp", httpAddr)
	if err != nil {
		echoLn.Close()
		return nil, fmt.Errorf("http: listen on %s: %w", httpAddr, err)
	}
	return &upstream{
		echo: serveEcho(echoLn, logger),
		http: serveHTTP(httpLn, logger),
	}, nil
}

// EchoAddr is the address the echo server listens on.
func (u *upstream) EchoAddr() net.Addr { return u.echo.ln.Addr() }

// HTTPAddr is the address the HTTP server listens on.
func (u *upstream) HTTPAddr() net.Addr { return u.http.ln.Addr() }

// Shutdown stops accepting, lets in-flight HTTP requests finish until ctx is done, closes open echo
// connections and waits for all serving goroutines to return.
func (u *upstream) Shutdown(ctx context.Context) error {
	return errors.Join(u.http.Shutdown(ctx), u.echo.Close())
}
