package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A server that accepts and closes without answering: the router sees a
// reset before the response started.
func resettingBackend(t *testing.T) string {
	return serveTCP(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		_, _ = c.Read(buf)
		_ = c.(*net.TCPConn).SetLinger(0)
	})
}

func TestHTTPUpstreamReset(t *testing.T) {
	srv, addrs := startProxy(t, httpYAML(`
- match: {prefix: "/retry"}
  route: {cluster: reset, retry_policy: {retry_on: "reset", num_retries: 2, retry_back_off: {base_interval: 0.001s}}}
- match: {prefix: "/"}
  route: {cluster: reset}`, staticCluster("reset", "", resettingBackend(t)), ""))
	resp, body := get(t, &http.Client{}, "http://"+addrs["l"]+"/")
	if resp.StatusCode != 503 || !strings.Contains(body, "reset reason: connection termination") {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	resp, _ = get(t, &http.Client{}, "http://"+addrs["l"]+"/retry")
	if resp.StatusCode != 503 {
		t.Fatalf("retry: %d", resp.StatusCode)
	}
	if n := counter(t, srv, "cluster.reset.upstream_rq_retry"); n != 2 {
		t.Fatalf("upstream_rq_retry = %d, want 2", n)
	}
}

func TestHTTPPerTryTimeoutRetries(t *testing.T) {
	var calls atomic.Int32
	be := backend(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			time.Sleep(time.Second) // the first try is too slow
		}
		io.WriteString(w, "second try")
	})
	srv, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route:
    cluster: web
    timeout: 3s
    retry_policy: {retry_on: "5xx", num_retries: 1, per_try_timeout: 0.1s, retry_back_off: {base_interval: 0.001s}}`,
		staticCluster("web", "", be), ""))
	start := time.Now()
	resp, body := get(t, &http.Client{}, "http://"+addrs["l"]+"/")
	if resp.StatusCode != 200 || body != "second try" || time.Since(start) > 900*time.Millisecond {
		t.Fatalf("%d %q after %v", resp.StatusCode, body, time.Since(start))
	}
	if n := counter(t, srv, "cluster.web.upstream_rq_per_try_timeout"); n != 1 {
		t.Fatalf("upstream_rq_per_try_timeout = %d", n)
	}
}

// max_connections 1 and max_pending_requests 1: of three concurrent
// requests one is served, one waits for the connection, one overflows. The
// waiting request may be on another event loop than the connection: the
// idle connection is then closed and its slot handed over.
func TestHTTPCircuitBreakers(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 3)
	var once sync.Once
	be := backend(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		io.WriteString(w, "ok")
	})
	srv, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", `circuit_breakers:
  thresholds: [{max_connections: 1, max_pending_requests: 1}]`, be), ""))
	defer once.Do(func() { close(release) })
	url := "http://" + addrs["l"] + "/"
	codes := make(chan int, 3)
	for i := range 3 {
		if i == 1 { // the first request holds the one connection
			select {
			case <-arrived:
			case <-time.After(5 * time.Second):
				t.Fatal("first request never reached the backend")
			}
		}
		go func() {
			c := &http.Client{Transport: &http.Transport{}}
			resp, err := c.Get(url)
			if err != nil {
				codes <- 0
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Logf("%d %s", resp.StatusCode, b)
			}
			codes <- resp.StatusCode
		}()
	}
	// One overflows at once; then let the other two finish.
	select {
	case code := <-codes:
		if code != 503 {
			t.Fatalf("first answer %d, want 503 overflow", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no request overflowed")
	}
	once.Do(func() { close(release) })
	for range 2 {
		if code := <-codes; code != 200 {
			t.Fatalf("queued request got %d", code)
		}
	}
	if n := counter(t, srv, "cluster.web.upstream_rq_pending_overflow"); n != 1 {
		t.Fatalf("upstream_rq_pending_overflow = %d", n)
	}
	if n := counter(t, srv, "cluster.web.upstream_cx_overflow"); n == 0 {
		t.Fatal("upstream_cx_overflow not counted while a request waited for the only connection")
	}
}

// curl as the client: keep-alive, chunked upload, 100-continue, HTTP/1.0.
func TestHTTPCurlInterop(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	be := backend(t, echoHandler)
	_, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be), ""))
	base := "http://" + addrs["l"]
	bigFile := t.TempDir() + "/big"
	if err := os.WriteFile(bigFile, []byte(strings.Repeat("0123456789", 20000)), 0o644); err != nil {
		t.Fatal(err)
	}
	big := "@" + bigFile
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"keep-alive", []string{base + "/a", base + "/b"}, "GET /a 0GET /b 0"},
		{"chunked upload", []string{"-H", "Transfer-Encoding: chunked", "--data-binary", big, base + "/up"}, "POST /up 200000"},
		{"100-continue", []string{"-H", "Expect: 100-continue", "--data-binary", big, base + "/exp"}, "POST /exp 200000"},
		{"HTTP/1.0", []string{"-0", base + "/old"}, "GET /old 0"},
		{"HTTP/1.0 keep-alive", []string{"-0", "-H", "Connection: keep-alive", base + "/k1", base + "/k2"}, "GET /k1 0GET /k2 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, curl, append([]string{"-sS", "--fail"}, tc.args...)...).CombinedOutput()
			if err != nil || string(out) != tc.want {
				t.Fatalf("curl: %v: %q, want %q", err, out, tc.want)
			}
		})
	}
}

// A client that sends its request and shuts down its write side still gets
// the whole response.
func TestHTTPClientHalfClose(t *testing.T) {
	body := strings.Repeat("z", 3<<20)
	be := backend(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
	srv, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be), ""))
	c := dial(t, addrs["l"])
	if _, err := c.Write([]byte("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.CloseWrite()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || string(got) != body {
		t.Fatalf("%d, %d bytes, %v", resp.StatusCode, len(got), err)
	}
	if n, err := br.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("after the response: %d bytes, %v; want the proxy to close", n, err)
	}
	eventually(t, "connection accounted", func() bool { return gauge(t, srv, "http.in.downstream_cx_active") == 0 })
}
