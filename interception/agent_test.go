package interception

// The end-to-end test (netns_test.go) runs this test binary again inside the network namespaces,
// as the application's or the proxy's uid, with helperEnv set. It then acts as an agent: it
// reads one JSON agentRequest per line from stdin, does it (serve, connect, measure) and writes
// one agentResponse per line to stdout. Servers it starts keep running until stdin closes.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

// helperEnv, when set, makes the test binary an agent instead of running tests.
const helperEnv = "SKIFF_NETNS_AGENT"

// latencyWarmup is how many round trips echoLatency makes before it starts measuring.
const latencyWarmup = 100

// agentTimeout bounds every connect and read of an agent: a blackholed connection is an error,
// not a hang.
const agentTimeout = 3 * time.Second

// agentRequest is one thing for an agent to do.
type agentRequest struct {
	// Op is http-serve, echo-serve, http, echo, idle, latency, probe, get or read.
	Op string
	// Name is what an http-serve server calls itself in its answers.
	Name string
	// Addr is the address to listen on or connect to.
	Addr string
	// ServerCloses makes http ask the server to close first (Connection: close); otherwise the
	// client closes first after reading the answer.
	ServerCloses bool
	// Data is what echo sends.
	Data []byte
	// N and Size are the round trips and message size of latency.
	N, Size int
	// URL is what get fetches; Path is the file read reads.
	URL, Path string
}

// agentResponse is the outcome of one request.
type agentResponse struct {
	// Err is the failure; empty on success.
	Err string
	// Body is the answer of http or get, the file of read, the outcome of probe.
	Body string
	// Data is what echo got back.
	Data []byte
	// Latencies are sorted round-trip times of latency.
	Latencies []time.Duration
}

// runAgent serves requests from r until it closes.
func runAgent(r io.Reader, w io.Writer) int {
	enc := json.NewEncoder(w)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var req agentRequest
		resp := agentResponse{}
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			resp.Err = err.Error()
		} else {
			resp = handle(req)
		}
		if err := enc.Encode(resp); err != nil {
			return 1
		}
	}
	return 0
}

func handle(req agentRequest) agentResponse {
	var resp agentResponse
	var err error
	switch req.Op {
	case "http-serve":
		err = httpServe(req.Name, req.Addr)
	case "echo-serve":
		err = echoServe(req.Addr)
	case "http":
		resp.Body, err = httpRequest(req.Addr, req.ServerCloses)
	case "echo":
		resp.Data, err = echoOnce(req.Addr, req.Data)
	case "idle":
		resp.Body, err = echoIdle(req.Addr, req.Data)
	case "latency":
		resp.Latencies, err = echoLatency(req.Addr, req.N, req.Size)
	case "probe":
		resp.Body = probeConn(req.Addr)
	case "get":
		resp.Body, err = get(req.URL)
	case "read":
		var b []byte
		b, err = os.ReadFile(req.Path)
		resp.Body = string(b)
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	if err != nil {
		resp.Err = err.Error()
	}
	return resp
}

// httpServe answers every request with "<name> local=<local address> remote=<peer address>".
func httpServe(name, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		fmt.Fprintf(w, "%s local=%s remote=%s", name, local, r.RemoteAddr)
	})
	go func() { _ = http.Serve(ln, h) }()
	return nil
}

// echoServe writes back every byte it reads, until the peer closes.
func echoServe(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return nil
}

// httpRequest sends one GET over a new connection and returns the answer's body.
func httpRequest(addr string, serverCloses bool) (string, error) {
	c, err := net.DialTimeout("tcp", addr, agentTimeout)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(agentTimeout))
	req := "GET / HTTP/1.1\r\nHost: " + addr + "\r\n"
	if serverCloses {
		req += "Connection: close\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		return "", err
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if serverCloses { // wait for the server's FIN before closing
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("after the answer: want EOF, got %v", err)
		}
	}
	return string(body), nil
}

// echoOnce sends data over a new connection and reads as many bytes back.
func echoOnce(addr string, data []byte) ([]byte, error) {
	c, err := net.DialTimeout("tcp", addr, agentTimeout)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(agentTimeout))
	if _, err := c.Write(data); err != nil {
		return nil, err
	}
	got := make([]byte, len(data))
	_, err = io.ReadFull(c, got)
	return got, err
}

// echoIdle sends data over a new connection, reads it back, then waits for the peer to close the
// idle connection first, and closes it after that. It returns "closed by the peer".
func echoIdle(addr string, data []byte) (string, error) {
	c, err := net.DialTimeout("tcp", addr, agentTimeout)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(agentTimeout))
	if _, err := c.Write(data); err != nil {
		return "", err
	}
	if _, err := io.ReadFull(c, make([]byte, len(data))); err != nil {
		return "", err
	}
	if n, err := c.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("waiting for the peer to close: read %d bytes, %v", n, err)
	}
	return "closed by the peer", nil
}

// echoLatency measures n sequential round trips of size bytes over one connection, after
// latencyWarmup round trips that are not counted.
func echoLatency(addr string, n, size int) ([]time.Duration, error) {
	c, err := net.DialTimeout("tcp", addr, agentTimeout)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	msg, got := make([]byte, size), make([]byte, size)
	out := make([]time.Duration, 0, n+latencyWarmup)
	for i := range n + latencyWarmup {
		_ = c.SetDeadline(time.Now().Add(agentTimeout))
		msg[0] = byte(i)
		start := time.Now()
		if _, err := c.Write(msg); err != nil {
			return nil, err
		}
		if _, err := io.ReadFull(c, got); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	out = out[latencyWarmup:]
	slices.Sort(out)
	return out, nil
}

// probeConn connects and waits for the peer to send or close: "refused", "timeout", "closed" (EOF
// or reset without data), or "open" (still open after agentTimeout).
func probeConn(addr string) string {
	c, err := net.DialTimeout("tcp", addr, agentTimeout)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET): // accepted and reset before connect returned
		return "closed"
	case err != nil && strings.Contains(err.Error(), "timeout"):
		return "timeout"
	case err != nil:
		return "dial error: " + err.Error()
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(agentTimeout))
	n, err := c.Read(make([]byte, 1))
	var ne net.Error
	switch {
	case n > 0:
		return "data"
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		return "closed"
	case errors.As(err, &ne) && ne.Timeout():
		return "open"
	}
	return "read error: " + err.Error()
}

// get fetches url and returns the body; a status other than 200 is an error.
func get(url string) (string, error) {
	cl := http.Client{Timeout: agentTimeout}
	resp, err := cl.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return string(b), fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(b), nil
}
