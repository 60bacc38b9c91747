package memory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/bench/proc"
)

// Options configure runs.
type Options struct {
	Skiff   string // the skiff binary
	Loops   int    // --concurrency
	PerHost int    // requests per traffic host
	Dir     string // where bootstraps are written
	// Settle is how long to wait after /ready before the traffic (skiff releases memory a second
	// after a large apply; see proxy/server/memory.go).
	Settle time.Duration
	Stderr io.Writer
}

// Memory is what /memory?gc reports (live heap, heap spans in use, RSS) and the process's anonymous resident memory
// (RssAnon: RSS without the binary's file pages) read right after it, in bytes.
type Memory struct{ Heap, InUse, RSS, Anon uint64 }

// Result is one run: one skiff process with one shape.
type Result struct {
	Shape            Shape
	Startup          time.Duration // start to /ready
	Requests, Failed int
	EveryHostTime    time.Duration // the requests to every host (EveryHost shapes)
	Mem              Memory        // after the traffic and a full GC
	// Unforced is RSS and RssAnon after the traffic, before /memory?gc forces a collection: what
	// the process holds on its own (Heap is not read).
	Unforced Memory
	HWM      uint64 // peak RSS (VmHWM) at the end
	Prom     Scrape // /stats/prometheus
	PromUsed Scrape // /stats/prometheus?usedonly
	// Off is the memory after switching host stats off at run time (runs with HostStats only),
	// and OffSeries the host series then left.
	Off       Memory
	OffSeries int
}

// Scrape is one /stats/prometheus request.
type Scrape struct {
	Time        time.Duration
	Bytes       int
	HostSeries  int // sample lines of envoy_cluster_host_* families
	StatsSeries int // sample lines
}

// Run starts skiff with shape s, carries the traffic, measures and stops it.
func Run(ctx context.Context, o Options, s Shape) (Result, error) {
	r := Result{Shape: s}
	be, err := startBackend(s.Traffic * s.TrafficEndpoints)
	if err != nil {
		return r, err
	}
	defer be.close()
	adminPort, err1 := freePort()
	listenPort, err2 := freePort()
	if err1 != nil || err2 != nil {
		return r, fmt.Errorf("memory: ports: %v %v", err1, err2)
	}
	path, err := s.WriteBootstrap(o.Dir, adminPort, listenPort, be.port)
	if err != nil {
		return r, err
	}
	defer os.Remove(path)
	start := time.Now()
	p, err := proc.Start(proc.Spec{
		Path: o.Skiff, Args: []string{"proxy", "-c", path, "--concurrency", strconv.Itoa(o.Loops), "-l", "warn"},
		CPU: -1, Stderr: o.Stderr,
	})
	if err != nil {
		return r, err
	}
	defer func() { _ = p.Stop(10 * time.Second) }()
	admin := fmt.Sprintf("http://127.0.0.1:%d", adminPort)
	if err := waitReady(ctx, admin, p); err != nil {
		return r, err
	}
	r.Startup = time.Since(start)
	time.Sleep(o.Settle) // the server returns the startup's garbage to the OS shortly after the apply
	r.Requests, r.Failed = traffic(fmt.Sprintf("http://127.0.0.1:%d", listenPort), s, o.PerHost)
	if s.EveryHost {
		start := time.Now()
		n, failed, err := everyHost(fmt.Sprintf("127.0.0.1:%d", listenPort), s)
		if err != nil {
			return r, err
		}
		r.Requests, r.Failed, r.EveryHostTime = r.Requests+n, r.Failed+failed, time.Since(start)
	}
	if r.Unforced, err = readResident(p.Pid()); err != nil {
		return r, err
	}
	if r.Mem, err = readMemory(admin, p.Pid()); err != nil {
		return r, err
	}
	if r.Prom, err = scrape(admin + "/stats/prometheus"); err != nil {
		return r, err
	}
	if r.PromUsed, err = scrape(admin + "/stats/prometheus?usedonly"); err != nil {
		return r, err
	}
	if s.HostStats {
		if err := post(admin + "/runtime_modify?skiff.stats.host_level=false"); err != nil {
			return r, err
		}
		if r.Off, err = readMemory(admin, p.Pid()); err != nil {
			return r, err
		}
		sc, err := scrape(admin + "/stats/prometheus")
		if err != nil {
			return r, err
		}
		r.OffSeries = sc.HostSeries
	}
	st, err := proc.ReadStatus(p.Pid())
	if err != nil {
		return r, err
	}
	r.HWM = st.HWM
	return r, nil
}

// waitReady polls /ready until it answers 200, the process exits or ctx ends.
func waitReady(ctx context.Context, admin string, p *proc.Process) error {
	for {
		resp, err := http.Get(admin + "/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("memory: skiff not ready: %w", ctx.Err())
		case <-p.Done():
			return fmt.Errorf("memory: skiff exited: %v", p.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// traffic sends perHost requests per traffic host through the proxy (round-robin spreads them
// over the hosts of each traffic cluster) from 8 keep-alive clients.
func traffic(base string, s Shape, perHost int) (total, failed int) {
	total = s.Traffic * s.TrafficEndpoints * perHost
	var next, bad atomic.Int64
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				resp, err := client.Get(fmt.Sprintf("%s/c%d/x", base, i%s.Traffic))
				if err != nil {
					bad.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	client.CloseIdleConnections()
	return total, int(bad.Load())
}

// everyHost sends one request per endpoint of every cluster, one after another on one keep-alive
// connection. The connection belongs to one event loop, whose round-robin cursor for cluster c<i>
// then visits each of its hosts once. Requests to the traffic clusters get 200; the others get
// Skiff's 503 (nothing listens at those endpoints, so the connection is refused at once, and
// their host statistics count a connect failure and a request error). Any other answer counts as
// failed; a connection closed early is an error, as the round robin would then start over on
// another loop.
func everyHost(addr string, s Shape) (total, failed int, err error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, 0, fmt.Errorf("memory: every host: %w", err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := range s.Clusters {
		want := http.StatusServiceUnavailable
		if i < s.Traffic {
			want = http.StatusOK
		}
		req := fmt.Sprintf("GET /c%d/x HTTP/1.1\r\nHost: memory\r\n\r\n", i)
		for range s.endpointsOf(i) {
			total++
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.WriteString(c, req); err != nil {
				return total, failed, fmt.Errorf("memory: every host: request %d: %w", total, err)
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return total, failed, fmt.Errorf("memory: every host: response %d: %w", total, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.Close {
				return total, failed, fmt.Errorf("memory: every host: response %d closes the connection", total)
			}
			if resp.StatusCode != want {
				failed++
			}
		}
	}
	return total, failed, nil
}

// readMemory asks /memory?gc for the heap and RSS after a full collection, then reads RssAnon of
// process pid.
func readMemory(admin string, pid int) (Memory, error) {
	resp, err := http.Get(admin + "/memory?gc")
	if err != nil {
		return Memory{}, fmt.Errorf("memory: /memory: %w", err)
	}
	defer resp.Body.Close()
	var m map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return Memory{}, fmt.Errorf("memory: /memory: %w", err)
	}
	heap, err1 := strconv.ParseUint(m["allocated"], 10, 64)
	rss, err2 := strconv.ParseUint(m["resident_bytes"], 10, 64)
	inUse, err3 := strconv.ParseUint(m["heap_in_use"], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return Memory{}, fmt.Errorf("memory: /memory: %v", m)
	}
	anon, err := rssAnon(pid)
	if err != nil {
		return Memory{}, err
	}
	return Memory{Heap: heap, InUse: inUse, RSS: rss, Anon: anon}, nil
}

// readResident reads VmRSS and RssAnon of process pid.
func readResident(pid int) (Memory, error) {
	st, err := proc.ReadStatus(pid)
	if err != nil {
		return Memory{}, err
	}
	anon, err := rssAnon(pid)
	if err != nil {
		return Memory{}, err
	}
	return Memory{RSS: st.RSS, Anon: anon}, nil
}

// rssAnon reads RssAnon from /proc/PID/status.
func rssAnon(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("memory: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("memory: RssAnon %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("memory: no RssAnon for %d", pid)
}

// scrape fetches url and counts its samples.
func scrape(url string) (Scrape, error) {
	start := time.Now()
	resp, err := http.Get(url)
	if err != nil {
		return Scrape{}, fmt.Errorf("memory: %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Scrape{}, fmt.Errorf("memory: %s: %w", url, err)
	}
	sc := Scrape{Time: time.Since(start), Bytes: len(body)}
	for line := range bytes.Lines(body) {
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		sc.StatsSeries++
		if strings.HasPrefix(string(line), "envoy_cluster_host_") {
			sc.HostSeries++
		}
	}
	return sc, nil
}

func post(url string) error {
	resp, err := http.Post(url, "", nil)
	if err != nil {
		return fmt.Errorf("memory: %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("memory: %s: %s", url, resp.Status)
	}
	return nil
}
