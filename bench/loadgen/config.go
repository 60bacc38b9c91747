package loadgen

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Mode selects how requests are issued.
type Mode string

const (
	// Open issues requests on a fixed schedule, independent of responses
	// (latency is measured from the scheduled send time).
	Open Mode = "open"
	// Closed sends the next request on a connection as soon as the
	// previous response has arrived (maximum throughput).
	Closed Mode = "closed"
)

// Protocol is what a request and its response are.
type Protocol string

const (
	// Echo sends Size bytes and expects the same number back.
	Echo Protocol = "echo"
	// HTTP sends a pre-encoded `GET Path HTTP/1.1` on a keep-alive
	// connection and frames the response by its Content-Length or chunked
	// encoding; a status other than 200 ends the run with an error.
	HTTP Protocol = "http"
	// Dubbo sends pre-encoded hessian2 Dubbo requests (bench/dubbocall,
	// a Size-byte string argument), up to Window outstanding on each
	// connection, and matches responses by ID; a status other than OK or
	// an unknown ID ends the run with an error.
	Dubbo Protocol = "dubbo"
)

// Config describes one load run. The zero value is not usable; call
// Validate before use.
type Config struct {
	// Addr is the TCP address to load, "host:port" with a literal IP.
	Addr string
	// Mode is Open or Closed.
	Mode Mode
	// Protocol is Echo, HTTP or Dubbo; empty means Echo.
	Protocol Protocol
	// Path is the request target of HTTP requests, e.g. "/1024".
	Path string
	// Conns is the number of connections; each has at most one request
	// outstanding (Echo, HTTP) or at most Window (Dubbo).
	Conns int
	// Window is the most requests outstanding on one connection (Dubbo
	// only); in Closed mode each connection keeps this many in flight.
	Window int
	// Rate is the total request rate in requests per second (Open only).
	// Send times are spread uniformly: connection i starts at i/Rate and
	// then sends every Conns/Rate (Dubbo: request k is due at k/Rate, on
	// connection k mod Conns).
	Rate float64
	// Size is the request (and echoed response) size in bytes (Echo), or
	// the length of the request's string argument (Dubbo).
	Size int
	// Warmup is run before the measured window; its requests are not counted.
	Warmup time.Duration
	// Duration is the length of the measured window.
	Duration time.Duration
	// Spin is how long before a scheduled send the generator stops
	// sleeping and busy-polls instead (Open only). Zero means never spin.
	Spin time.Duration
	// Drain bounds how long after the window requests scheduled inside it
	// may take to complete before they count as unfinished.
	Drain time.Duration
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Addr == "":
		return errors.New("loadgen: addr is empty")
	case c.Mode != Open && c.Mode != Closed:
		return fmt.Errorf("loadgen: mode %q: want %q or %q", c.Mode, Open, Closed)
	case c.Conns < 1:
		return fmt.Errorf("loadgen: conns %d: want >= 1", c.Conns)
	case c.Mode == Open && c.Rate <= 0:
		return fmt.Errorf("loadgen: rate %g: want > 0 in open mode", c.Rate)
	case c.Protocol != "" && c.Protocol != Echo && c.Protocol != HTTP && c.Protocol != Dubbo:
		return fmt.Errorf("loadgen: protocol %q: want %q, %q or %q", c.Protocol, Echo, HTTP, Dubbo)
	case c.Protocol == Dubbo && (c.Window < 1 || c.Window > maxWindow):
		return fmt.Errorf("loadgen: window %d: want 1..%d", c.Window, maxWindow)
	case c.Protocol == HTTP && (!strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, " \r\n")):
		return fmt.Errorf("loadgen: path %q: want an origin-form request target (\"/...\")", c.Path)
	case c.Protocol != HTTP && c.Size < 1:
		return fmt.Errorf("loadgen: size %d: want >= 1", c.Size)
	case c.Warmup < 0 || c.Duration <= 0:
		return fmt.Errorf("loadgen: warmup %v, duration %v: want >= 0 and > 0", c.Warmup, c.Duration)
	case c.Spin < 0 || c.Drain < 0:
		return fmt.Errorf("loadgen: spin %v, drain %v: want >= 0", c.Spin, c.Drain)
	}
	return nil
}

// interval is the per-connection send interval in open mode.
func (c Config) interval() time.Duration {
	return time.Duration(float64(c.Conns) / c.Rate * float64(time.Second))
}

// expected estimates how many requests the measured window holds, to size
// sample buffers up front.
func (c Config) expected() int {
	if c.Mode == Open {
		return int(c.Rate*c.Duration.Seconds()) + c.Conns + 16
	}
	const guess = 200_000 // requests per second; the buffer grows if exceeded
	return int(guess * c.Duration.Seconds())
}
