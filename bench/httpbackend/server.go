//go:build linux

// Package httpbackend is the HTTP scenario's backend: a minimal HTTP/1.1
// server that answers `GET /N` with a pre-encoded 200 response whose body
// is N bytes, for each size it was given, on keep-alive connections.
//
// It serves every connection from one level-triggered epoll loop on one
// locked OS thread: a request costs one read and one write, no
// allocation and no goroutine switch. The backend shares a core with the
// proxy in the cross-core placement, so what it spends is taken from the
// proxy; net/http would spend several times more per request.
package httpbackend

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Server answers GETs with fixed bodies. Create it with New; Serve may be
// called once; Close may be called from any goroutine, once.
type Server struct {
	responses map[string][]byte
	poll      *poller

	mu      sync.Mutex
	closed  bool
	serving chan struct{} // closed when Serve returns, if it started
}

// New returns a server with a response for each body size (0..1 MiB).
// The caller must Close it.
func New(sizes []int) (*Server, error) {
	responses, err := encodeResponses(sizes)
	if err != nil {
		return nil, err
	}
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	return &Server{responses: responses, poll: p}, nil
}

// Serve accepts and serves connections on ln, which must be a TCP
// listener, until Close is called; it then closes ln and every connection
// and returns nil. It runs on the calling goroutine, locked to its thread.
func (s *Server) Serve(ln net.Listener) error {
	defer ln.Close()
	if !s.start() {
		return nil
	}
	defer close(s.serving)
	lfd, err := dupListener(ln)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	l := &loop{srv: s, lfd: lfd, conns: make(map[int32]*conn)}
	defer l.closeAll()
	if err := s.poll.add(lfd, unix.EPOLLIN); err != nil {
		return err
	}
	return l.run()
}

// Close stops the server and waits for Serve to return. Later calls do
// nothing.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	serving := s.serving
	s.mu.Unlock()
	s.poll.wake()
	if serving != nil {
		<-serving
	}
	s.poll.close()
	return nil
}

func (s *Server) start() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.serving != nil {
		return false
	}
	s.serving = make(chan struct{})
	return true
}

// dupListener returns a duplicate of ln's descriptor; it shares ln's
// non-blocking mode.
func dupListener(ln net.Listener) (int, error) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return -1, fmt.Errorf("httpbackend: %T is not a TCP listener", ln)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("httpbackend: listener: %w", err)
	}
	fd := -1
	var dupErr error
	if err := rc.Control(func(s uintptr) { fd, dupErr = unix.Dup(int(s)) }); err != nil {
		return -1, fmt.Errorf("httpbackend: listener: %w", err)
	}
	if dupErr != nil {
		return -1, fmt.Errorf("httpbackend: dup listener: %w", dupErr)
	}
	return fd, nil
}
