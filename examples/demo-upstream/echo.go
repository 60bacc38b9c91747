package main

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
)

// echoServer writes back every byte it reads, one goroutine per connection.
type echoServer struct {
	ln     net.Listener
	logger *slog.Logger
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// serveEcho serves ln in the background until Close.
func serveEcho(ln net.Listener, logger *slog.Logger) *echoServer {
	s := &echoServer{ln: ln, logger: logger, conns: make(map[net.Conn]struct{})}
	s.wg.Go(s.acceptLoop)
	return s
}

func (s *echoServer) acceptLoop() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.logger.Error("echo: accept", "err", err)
			}
			return
		}
		if !s.track(c) {
			c.Close()
			return
		}
		s.wg.Go(func() { s.serve(c) })
	}
}

// track records c as open; it reports false once the server is closed.
func (s *echoServer) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *echoServer) serve(c net.Conn) {
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	n, err := io.Copy(c, c)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		s.logger.Debug("echo: connection ended", "remote", c.RemoteAddr().String(), "err", err)
	}
	s.logger.Info("echo: connection closed", "remote", c.RemoteAddr().String(), "bytes", n)
}

// Close stops accepting, closes every open connection and waits for their goroutines.
func (s *echoServer) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
