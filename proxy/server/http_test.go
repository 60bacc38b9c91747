package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// httpYAML is a bootstrap with one http_connection_manager listener on an
// ephemeral port. routes are the routes of the one virtual host (indented
// list items), clusters whole cluster entries.
func httpYAML(routes, clusters, filters string) string {
	return fmt.Sprintf(`
static_resources:
  listeners:
  - name: l
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: in
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
%s
          http_filters:
%s
          - name: envoy.filters.http.router
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
  clusters:
%s`, indent(routes, 14), indent(filters, 10), indent(clusters, 2))
}

// staticCluster is a STATIC cluster entry for httpYAML.
func staticCluster(name string, extra string, endpoints ...string) string {
	var eps strings.Builder
	for _, ep := range endpoints {
		host, port, _ := net.SplitHostPort(ep)
		fmt.Fprintf(&eps, "      - endpoint: {address: {socket_address: {address: %q, port_value: %s}}}\n", host, port)
	}
	if len(endpoints) == 0 {
		return fmt.Sprintf("- name: %s\n  type: STATIC\n  load_assignment: {cluster_name: %s}", name, name)
	}
	return fmt.Sprintf(`- name: %s
  type: STATIC
  connect_timeout: 0.5s
%s
  load_assignment:
    cluster_name: %s
    endpoints:
    - lb_endpoints:
%s`, name, indent(extra, 2), name, eps.String())
}

// backend starts a real net/http server on loopback.
func backend(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://")
}

func echoHandler(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("x-path", r.URL.RequestURI())
	w.Header().Set("x-host", r.Host)
	w.Header().Set("x-request-id-seen", r.Header.Get("x-request-id"))
	fmt.Fprintf(w, "%s %s %d", r.Method, r.URL.Path, len(body))
}

func get(t *testing.T, c *http.Client, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestHTTPProxyBasics(t *testing.T) {
	be := backend(t, echoHandler)
	srv, addrs := startProxy(t, httpYAML(`
- match: {prefix: "/direct"}
  direct_response: {status: 201, body: {inline_string: "made here"}}
- match: {prefix: "/old"}
  redirect: {path_redirect: "/new", response_code: TEMPORARY_REDIRECT}
- match: {prefix: "/api/"}
  route: {cluster: web, prefix_rewrite: "/v2/", host_rewrite_literal: api.internal}
- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be), ""))
	base := "http://" + addrs["l"]
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, body := get(t, c, base+"/hello?a=1")
	if resp.StatusCode != 200 || body != "GET /hello 0" || resp.Header.Get("x-path") != "/hello?a=1" {
		t.Fatalf("proxied: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp.Header.Get("x-request-id-seen") == "" {
		t.Error("no x-request-id generated")
	}
	resp, _ = get(t, c, base+"/api/users?x=2")
	if resp.Header.Get("x-path") != "/v2/users?x=2" || resp.Header.Get("x-host") != "api.internal" {
		t.Fatalf("rewrites: %v", resp.Header)
	}
	resp, body = get(t, c, base+"/direct")
	if resp.StatusCode != 201 || body != "made here" {
		t.Fatalf("direct: %d %q", resp.StatusCode, body)
	}
	resp, _ = get(t, c, base+"/old")
	if resp.StatusCode != 307 || !strings.HasSuffix(resp.Header.Get("location"), "/new") {
		t.Fatalf("redirect: %d %v", resp.StatusCode, resp.Header)
	}
	post, err := c.Post(base+"/upload", "text/plain", strings.NewReader(strings.Repeat("x", 300000)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(post.Body)
	post.Body.Close()
	if string(b) != "POST /upload 300000" {
		t.Fatalf("post: %q", b)
	}
	// Keep-alive on both sides: one client connection, one upstream connection.
	for range 5 {
		get(t, c, base+"/again")
	}
	if n := counter(t, srv, "cluster.web.upstream_cx_total"); n != 1 {
		t.Errorf("upstream_cx_total = %d, want 1 (keep-alive reuse)", n)
	}
	if n := counter(t, srv, "http.in.downstream_cx_total"); n != 1 {
		t.Errorf("downstream_cx_total = %d, want 1", n)
	}
	if n := counter(t, srv, "http.in.downstream_rq_2xx"); n < 9 {
		t.Errorf("downstream_rq_2xx = %d", n)
	}
}

func TestHTTPPipelining(t *testing.T) {
	be := backend(t, echoHandler)
	_, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be), ""))
	c := dial(t, addrs["l"])
	reqs := "GET http://x/one HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" +
		"POST /three HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
	if _, err := c.Write([]byte(reqs)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for _, want := range []string{"GET /one 0", "POST /two 3", "POST /three 2"} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != want {
			t.Fatalf("got %q, want %q (responses out of order?)", b, want)
		}
	}
}

func TestHTTPLocalReplies(t *testing.T) {
	slow := backend(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Second)
	})
	srv, addrs := startProxy(t, httpYAML(`
- match: {prefix: "/dead"}
  route: {cluster: dead}
- match: {prefix: "/empty"}
  route: {cluster: empty}
- match: {prefix: "/missing"}
  route: {cluster: nosuch}
- match: {prefix: "/slow"}
  route: {cluster: slow, timeout: 0.2s}`,
		staticCluster("dead", "", deadAddr(t))+"\n"+staticCluster("empty", "")+"\n"+staticCluster("slow", "", slow), ""))
	base := "http://" + addrs["l"]
	c := &http.Client{}
	for _, tc := range []struct {
		path   string
		status int
		body   string
		stat   string
	}{
		{"/nowhere", 404, "", "http.in.no_route"},
		{"/dead", 503, msgConnect, "cluster.dead.upstream_cx_connect_fail"},
		{"/empty", 503, "no healthy upstream", "cluster.empty.upstream_cx_none_healthy"},
		{"/missing", 503, "", "http.in.no_cluster"},
		{"/slow", 504, "upstream request timeout", "cluster.slow.upstream_rq_timeout"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, c, base+tc.path)
			if resp.StatusCode != tc.status || body != tc.body {
				t.Fatalf("%d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
			if counter(t, srv, tc.stat) == 0 {
				t.Fatalf("%s not counted", tc.stat)
			}
		})
	}
}

const msgConnect = "upstream connect error or disconnect/reset before headers. reset reason: connection failure"

func TestHTTPRetries(t *testing.T) {
	var calls atomic.Int32
	flaky := backend(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if calls.Add(1)%3 != 0 {
			http.Error(w, "try again", 503)
			return
		}
		fmt.Fprintf(w, "ok %s", b)
	})
	srv, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route:
    cluster: flaky
    retry_policy: {retry_on: "5xx", num_retries: 3, retry_back_off: {base_interval: 0.001s}}`,
		staticCluster("flaky", "", flaky), ""))
	resp, err := http.Post("http://"+addrs["l"]+"/x", "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok payload" {
		t.Fatalf("%d %q", resp.StatusCode, b)
	}
	if n := counter(t, srv, "cluster.flaky.upstream_rq_retry"); n != 2 {
		t.Errorf("upstream_rq_retry = %d, want 2", n)
	}
	if n := counter(t, srv, "cluster.flaky.upstream_rq_retry_success"); n != 1 {
		t.Errorf("upstream_rq_retry_success = %d", n)
	}
}

func TestHTTPBadRequests(t *testing.T) {
	be := backend(t, echoHandler)
	srv, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be), ""))
	for _, tc := range []struct {
		name, raw string
		status    int
	}{
		{"cl and te", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
		{"two cls", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", 400},
		{"obs fold", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400},
		{"huge head", "GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 70<<10) + "\r\n\r\n", 431},
		{"bad chunk", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, addrs["l"])
			_, _ = c.Write([]byte(tc.raw))
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
	if counter(t, srv, "http.in.downstream_cx_protocol_error") == 0 {
		t.Error("protocol errors not counted")
	}
}

func TestHTTPFaultFilter(t *testing.T) {
	be := backend(t, echoHandler)
	_, addrs := startProxy(t, httpYAML(`- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be), `
- name: envoy.filters.http.fault
  typed_config:
    "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
    abort: {header_abort: {}, percentage: {numerator: 100}}
    delay: {header_delay: {}, percentage: {numerator: 100}}`))
	base := "http://" + addrs["l"]
	resp, _ := get(t, http.DefaultClient, base+"/", "x-envoy-fault-abort-request", "429")
	if resp.StatusCode != 429 {
		t.Fatalf("abort: %d", resp.StatusCode)
	}
	start := time.Now()
	resp, body := get(t, http.DefaultClient, base+"/slow", "x-envoy-fault-delay-request", "150")
	if resp.StatusCode != 200 || body != "GET /slow 0" || time.Since(start) < 140*time.Millisecond {
		t.Fatalf("delay: %d %q after %v", resp.StatusCode, body, time.Since(start))
	}
}

func TestHTTPAccessLog(t *testing.T) {
	be := backend(t, echoHandler)
	dir := t.TempDir()
	yaml := httpYAML(`- match: {prefix: "/"}
  name: all
  route: {cluster: web}`, staticCluster("web", "", be), "")
	yaml = replaceOnce(yaml, "          stat_prefix: in\n", fmt.Sprintf(`          stat_prefix: in
          access_log:
          - name: envoy.access_loggers.file
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
              path: %s/default.log
          - name: envoy.access_loggers.file
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
              path: %s/custom.log
              log_format:
                text_format_source:
                  inline_string: "%%REQ(:METHOD)%% %%REQ(:PATH)%% %%RESPONSE_CODE%% %%RESPONSE_FLAGS%% %%UPSTREAM_CLUSTER%% %%ROUTE_NAME%% %%BYTES_SENT%% %%REQ(X-MISSING?USER-AGENT):5%%\n"
`, dir, dir))
	srv, addrs := startProxy(t, yaml)
	get(t, http.DefaultClient, "http://"+addrs["l"]+"/logged?q=1", "user-agent", "tester/1.0")
	if err := srv.Shutdown(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	custom, _ := os.ReadFile(dir + "/custom.log")
	if got, want := string(custom), "GET /logged?q=1 200 - web all 13 teste\n"; got != want {
		t.Errorf("custom log %q, want %q", got, want)
	}
	def, _ := os.ReadFile(dir + "/default.log")
	if !strings.Contains(string(def), `"GET /logged?q=1 HTTP/1.1" 200 - 0 13 `) ||
		!strings.Contains(string(def), `"tester/1.0"`) || !strings.Contains(string(def), `"`+be+`"`) {
		t.Errorf("default log %q", def)
	}
}
