//go:build linux

// Package epollserver is the loop under the benchmark's backends
// (bench/httpbackend, bench/dubbobackend): every connection is served from
// one level-triggered epoll loop on one locked OS thread. A read takes
// whatever has arrived, a protocol's Answer function appends the answers
// to every complete request, and they leave in one write: a request costs
// a share of one read and one write, no allocation and no goroutine
// switch. The backend shares a core with the proxy in the cross-core
// placement, so what it spends is taken from the proxy.
package epollserver

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Answer appends to out the answers to the complete requests at the start
// of in and returns the extended out and how many bytes of in they used;
// an incomplete request is left for the next read. An error closes the
// connection.
type Answer func(out, in []byte) ([]byte, int, error)

// ErrFull is returned (wrapped) when a connection's input buffer is full
// without a complete request; the connection is closed.
var ErrFull = errors.New("epollserver: request larger than the input buffer")

// Server serves one protocol. Create it with New; Serve may be called
// once; Close may be called from any goroutine, once.
type Server struct {
	answer  Answer
	inSize  int // each connection's input buffer; a request must fit
	outSize int // each connection's initial output buffer
	poll    *poller

	mu      sync.Mutex
	closed  bool
	serving chan struct{} // closed when Serve returns, if it started
}

// New returns a server whose connections get inSize bytes of input buffer
// and start with outSize bytes of output buffer. The caller must Close it.
func New(inSize, outSize int, answer Answer) (*Server, error) {
	if inSize < 1 || outSize < 0 || answer == nil {
		return nil, fmt.Errorf("epollserver: input buffer %d, output buffer %d: want > 0, >= 0 and an Answer", inSize, outSize)
	}
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	return &Server{answer: answer, inSize: inSize, outSize: outSize, poll: p}, nil
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
		return -1, fmt.Errorf("epollserver: %T is not a TCP listener", ln)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("epollserver: listener: %w", err)
	}
	fd := -1
	var dupErr error
	if err := rc.Control(func(s uintptr) { fd, dupErr = unix.Dup(int(s)) }); err != nil {
		return -1, fmt.Errorf("epollserver: listener: %w", err)
	}
	if dupErr != nil {
		return -1, fmt.Errorf("epollserver: dup listener: %w", dupErr)
	}
	return fd, nil
}
