package accesslog

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// queueLen bounds the lines waiting for the writer; past it lines are
// dropped and counted rather than blocking an event loop.
const queueLen = 4096

// Logger writes lines to one destination from its own goroutine. Log may be
// called from any goroutine and never blocks.
type Logger struct {
	w       io.Writer
	closer  io.Closer
	lines   chan []byte
	pool    sync.Pool
	dropped atomic.Uint64
	done    chan struct{}
	once    sync.Once
}

// Open makes a Logger for path; "/dev/stdout" and "/dev/stderr" write to
// the process's streams.
func Open(path string) (*Logger, error) {
	switch path {
	case "/dev/stdout":
		return newLogger(os.Stdout, nil), nil
	case "/dev/stderr":
		return newLogger(os.Stderr, nil), nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("accesslog: %w", err)
	}
	return newLogger(f, f), nil
}

func newLogger(w io.Writer, c io.Closer) *Logger {
	l := &Logger{w: w, closer: c, lines: make(chan []byte, queueLen), done: make(chan struct{})}
	go l.run()
	return l
}

// Log queues a copy of line. It never blocks: when the queue is full the
// line is dropped and counted (Dropped).
func (l *Logger) Log(line []byte) {
	b, _ := l.pool.Get().(*[]byte)
	if b == nil {
		b = new([]byte)
	}
	*b = append((*b)[:0], line...)
	select {
	case l.lines <- *b:
	default:
		l.dropped.Add(1)
		l.pool.Put(b)
	}
}

// Dropped is the number of lines dropped because the writer fell behind.
func (l *Logger) Dropped() uint64 { return l.dropped.Load() }

func (l *Logger) run() {
	defer close(l.done)
	bw := bufio.NewWriterSize(l.w, 64<<10)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case line, ok := <-l.lines:
			if !ok {
				_ = bw.Flush()
				return
			}
			_, _ = bw.Write(line)
			l.pool.Put(&line)
			if len(l.lines) == 0 {
				_ = bw.Flush()
			}
		case <-tick.C:
			_ = bw.Flush()
		}
	}
}

// Close writes what is queued and closes the destination.
func (l *Logger) Close() error {
	l.once.Do(func() { close(l.lines) })
	<-l.done
	if l.closer != nil {
		return l.closer.Close()
	}
	return nil
}
