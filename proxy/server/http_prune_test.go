package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/proxy/config"
)

// countedBackend is a loopback HTTP server that answers with its name and counts its open
// connections. On a blocking backend, a request to /slow waits until release is closed.
type countedBackend struct {
	name    string
	addr    string
	open    atomic.Int64
	slow    atomic.Int64 // /slow requests received
	release chan struct{}
}

func newCountedBackend(t *testing.T, name string, blocking bool) *countedBackend {
	t.Helper()
	b := &countedBackend{name: name, release: make(chan struct{})}
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			b.slow.Add(1)
			if blocking {
				<-b.release
			}
		}
		_, _ = io.WriteString(w, b.name)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			b.open.Add(1)
		case http.StateClosed, http.StateHijacked:
			b.open.Add(-1)
		}
	}
	s.Start()
	t.Cleanup(func() {
		select {
		case <-b.release:
		default:
			close(b.release)
		}
		s.Close()
	})
	b.addr = strings.TrimPrefix(s.URL, "http://")
	return b
}

// endpoints turns backends into cluster endpoints.
func endpoints(t *testing.T, bs ...*countedBackend) []config.Endpoint {
	t.Helper()
	out := make([]config.Endpoint, 0, len(bs))
	for _, b := range bs {
		host, port, _ := net.SplitHostPort(b.addr)
		p, err := strconv.Atoi(port)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, config.Endpoint{Address: host, Port: uint32(p), Weight: 1})
	}
	return out
}

// fetch GETs url and returns the body; any status but 200 is an error.
func fetch(c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return string(b), nil
}

func keepAliveClient(t *testing.T) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

const poolGauge = "cluster.web.upstream_cx_pool_active"

func TestHTTPRemovedHostIsDrained(t *testing.T) {
	a, b := newCountedBackend(t, "a", true), newCountedBackend(t, "b", false)
	srv, addrs := startProxy(t, httpYAML(`
- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", a.addr, b.addr), ""))
	base := "http://" + addrs["l"]
	c := keepAliveClient(t)

	// One client connection, so one loop: round robin gives each backend an idle pooled connection.
	for range 4 {
		if _, err := fetch(c, base+"/"); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "an upstream connection to each backend", func() bool { return a.open.Load() == 1 && b.open.Load() == 1 })

	// A request in flight to a (b answers /slow at once: try again until one reaches a).
	slow := keepAliveClient(t)
	slowDone := make(chan error, 1)
	for a.slow.Load() == 0 {
		if b.slow.Load() > 3 {
			t.Fatal("round robin never picked a")
		}
		sent := b.slow.Load()
		go func() {
			body, err := fetch(slow, base+"/slow")
			if err == nil && body != "a" {
				err = fmt.Errorf("slow request answered by %q", body)
			}
			slowDone <- err
		}()
		eventually(t, "the slow request to arrive", func() bool { return a.slow.Load() > 0 || b.slow.Load() > sent })
		if a.slow.Load() == 0 {
			if err := <-slowDone; err == nil || !strings.Contains(err.Error(), `by "b"`) {
				t.Fatalf("slow request to b: %v", err)
			}
		}
	}
	// And an idle connection to a next to the busy one.
	for a.open.Load() < 2 {
		if _, err := fetch(c, base+"/"); err != nil {
			t.Fatal(err)
		}
	}
	pools := gauge(t, srv, poolGauge)
	destroyed := counter(t, srv, "cluster.web.upstream_cx_destroy")

	if err := srv.Clusters().SetEndpoints("web", endpoints(t, b)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the idle connection to the removed host to close", func() bool { return a.open.Load() == 1 })
	if b.open.Load() < 1 {
		t.Fatal("the idle connection to the remaining host was closed")
	}
	for range 4 {
		if body, err := fetch(c, base+"/"); err != nil || body != "b" {
			t.Fatalf("after removal: %q %v", body, err)
		}
	}

	close(a.release) // the in-flight request completes on its connection, which then closes
	if err := <-slowDone; err != nil {
		t.Fatalf("in-flight request to the removed host: %v", err)
	}
	eventually(t, "the busy connection to close once its request is done", func() bool { return a.open.Load() == 0 })
	eventually(t, "the removed host's pools to be forgotten", func() bool { return gauge(t, srv, poolGauge) < pools })
	if n := counter(t, srv, "cluster.web.upstream_cx_destroy"); n < destroyed+2 {
		t.Errorf("upstream_cx_destroy = %d, want at least %d", n, destroyed+2)
	}

	// With every endpoint gone, nothing is left: no pool, no connection.
	if err := srv.Clusters().SetEndpoints("web", nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every pool to be forgotten", func() bool {
		return gauge(t, srv, poolGauge) == 0 && gauge(t, srv, "cluster.web.upstream_cx_active") == 0
	})
	eventually(t, "the backends to see their connections closed", func() bool { return b.open.Load() == 0 })
}

func TestHTTPClusterReplacedDrainsOldHosts(t *testing.T) {
	a, b := newCountedBackend(t, "a", false), newCountedBackend(t, "b", false)
	yaml := func(be *countedBackend) string {
		return httpYAML(`
- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", be.addr), "")
	}
	srv, addrs := startProxy(t, yaml(a))
	base := "http://" + addrs["l"]
	c := keepAliveClient(t)
	if body, err := fetch(c, base+"/"); err != nil || body != "a" {
		t.Fatalf("before: %q %v", body, err)
	}
	eventually(t, "an upstream connection to a", func() bool { return a.open.Load() == 1 })

	bs, err := config.Parse([]byte(yaml(b)))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := config.Translate(bs)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Apply(snap); err != nil {
		t.Fatal(err)
	}
	if body, err := fetch(c, base+"/"); err != nil || body != "b" {
		t.Fatalf("after: %q %v", body, err)
	}
	eventually(t, "the replaced cluster's idle connection to close", func() bool { return a.open.Load() == 0 })
	eventually(t, "only the new host's pool to be left", func() bool { return gauge(t, srv, poolGauge) == 1 })
}

func TestHTTPEndpointChurnUnderLoad(t *testing.T) {
	bs := make([]*countedBackend, 5)
	for i := range bs {
		bs[i] = newCountedBackend(t, "b"+strconv.Itoa(i), false)
	}
	srv, addrs := startProxy(t, httpYAML(`
- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", bs[0].addr, bs[1].addr), ""))
	base := "http://" + addrs["l"]

	ctx, cancel := context.WithCancel(context.Background())
	var (
		wg       sync.WaitGroup
		ok, fail atomic.Int64
		firstErr atomic.Value
	)
	for range 4 {
		c := keepAliveClient(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := fetch(c, base+"/"); err != nil {
					fail.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				ok.Add(1)
			}
		}()
	}
	// Each step keeps one backend of the previous set and brings others, so some host is always
	// there while the rest come and go.
	sets := [][]*countedBackend{
		{bs[1], bs[2]}, {bs[2], bs[3], bs[4]}, {bs[4], bs[0]}, {bs[0], bs[1], bs[3]}, {bs[3]},
		{bs[3], bs[4], bs[2]}, {bs[2], bs[1]}, {bs[1], bs[0]}, {bs[0]},
	}
	for _, set := range sets {
		time.Sleep(40 * time.Millisecond)
		if err := srv.Clusters().SetEndpoints("web", endpoints(t, set...)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(40 * time.Millisecond)
	cancel()
	wg.Wait()
	if fail.Load() != 0 {
		t.Fatalf("%d of %d requests failed during churn, first: %v", fail.Load(), ok.Load()+fail.Load(), firstErr.Load())
	}
	t.Logf("%d requests during churn", ok.Load())
	if ok.Load() < 20 {
		t.Fatalf("only %d requests during churn", ok.Load())
	}
	eventually(t, "the removed backends to see every connection closed", func() bool {
		return bs[1].open.Load()+bs[2].open.Load()+bs[3].open.Load()+bs[4].open.Load() == 0
	})
	eventually(t, "only the remaining backend's pools to be left", func() bool {
		n := gauge(t, srv, poolGauge)
		return n >= 1 && n <= 2 && gauge(t, srv, "cluster.web.upstream_cx_active") == bs[0].open.Load()
	})
}

func TestHTTPEmptyPoolIsForgotten(t *testing.T) {
	a := newCountedBackend(t, "a", false)
	dead := deadAddr(t)
	srv, addrs := startProxy(t, httpYAML(`
- match: {prefix: "/"}
  route: {cluster: web}`, staticCluster("web", "", dead, a.addr), ""))
	base := "http://" + addrs["l"]
	c := keepAliveClient(t)

	// One client connection, so one loop, whose round robin alternates between the two hosts.
	ok, refused := 0, 0
	for range 4 {
		if _, err := fetch(c, base+"/"); err == nil {
			ok++
		} else if strings.Contains(err.Error(), "status 503") {
			refused++
		} else {
			t.Fatal(err)
		}
	}
	if ok != 2 || refused != 2 {
		t.Fatalf("%d answered, %d refused; want 2 and 2", ok, refused)
	}
	if n := gauge(t, srv, poolGauge); n != 2 {
		t.Fatalf("%s = %d after requests to both hosts, want 2", poolGauge, n)
	}
	// The dead host's pool has no connection: the sweep forgets it. The live host's pool keeps
	// its idle keep-alive connection.
	eventually(t, "the empty pool to be forgotten", func() bool { return gauge(t, srv, poolGauge) == 1 })
	if a.open.Load() != 1 {
		t.Fatalf("the live host has %d connections, want its pooled one", a.open.Load())
	}
	if body, err := fetch(c, base+"/"); err != nil && !strings.Contains(err.Error(), "status 503") {
		t.Fatalf("after the sweep: %q %v", body, err)
	}
}
