package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// greeting is the first line of every HTTP response.
const greeting = "hello from demo-upstream\n"

// httpServer answers every request with the greeting, the request path and the headers it saw.
type httpServer struct {
	ln  net.Listener
	srv *http.Server
	wg  sync.WaitGroup
}

// serveHTTP serves ln in the background until Shutdown.
func serveHTTP(ln net.Listener, logger *slog.Logger) *httpServer {
	s := &httpServer{
		ln: ln,
		srv: &http.Server{
			Handler:           echoRequest(logger),
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
	}
	s.wg.Go(func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http: serve", "err", err)
		}
	})
	return s
}

// Shutdown stops accepting and waits for in-flight requests until ctx is done.
func (s *httpServer) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	s.wg.Wait()
	return err
}

// echoRequest returns the handler that describes the request back to the client as plain text.
func echoRequest(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(greeting)
		fmt.Fprintf(&b, "%s %s %s\n", r.Method, r.URL.RequestURI(), r.Proto)
		fmt.Fprintf(&b, "Host: %s\n", r.Host)
		for _, name := range slices.Sorted(maps.Keys(r.Header)) {
			for _, v := range r.Header[name] {
				fmt.Fprintf(&b, "%s: %s\n", name, v)
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if _, err := w.Write([]byte(b.String())); err != nil {
			logger.Debug("http: write response", "err", err)
			return
		}
		logger.Info("http: request", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
	})
}
