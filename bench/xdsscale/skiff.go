package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/skiffmesh/skiff/bench/proc"
)

// skiffProc is the `skiff proxy` under test.
type skiffProc struct {
	p     *proc.Process
	admin string
	hc    *http.Client
}

// bootstrap is the Skiff side's configuration: everything comes over ADS from cp.
func bootstrap(cp string, delta bool) string {
	api := "GRPC"
	if delta {
		api = "DELTA_GRPC"
	}
	return fmt.Sprintf(`node: {id: %q, cluster: bench.default}
dynamic_resources:
  ads_config:
    api_type: %s
    transport_api_version: V3
    grpc_services: [{google_grpc: {target_uri: %q, stat_prefix: ads}}]
  lds_config: {ads: {}, resource_api_version: V3, initial_fetch_timeout: 60s}
  cds_config: {ads: {}, resource_api_version: V3, initial_fetch_timeout: 60s}
`, node, api, cp)
}

// startSkiff starts skiff with its admin server on a free port and waits until /ready is 200.
func startSkiff(bin, dir, cp string, delta bool) (*skiffProc, error) {
	path := filepath.Join(dir, "bootstrap.yaml")
	if err := os.WriteFile(path, []byte(bootstrap(cp, delta)), 0o644); err != nil {
		return nil, err
	}
	admin, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := proc.Start(proc.Spec{
		Path: bin, Args: []string{"proxy", "-c", path, "--admin-address", admin, "--concurrency", "2", "-l", "warn", "--drain-time-s", "1"},
		CPU: -1, Stderr: os.Stderr,
	})
	if err != nil {
		return nil, err
	}
	s := &skiffProc{p: p, admin: admin, hc: &http.Client{Timeout: 5 * time.Second}}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if resp, err := s.hc.Get("http://" + admin + "/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		select {
		case <-p.Done():
			return nil, fmt.Errorf("skiff exited: %v", p.Err())
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = p.Stop(time.Second)
			return nil, fmt.Errorf("skiff not ready after 2 minutes")
		}
	}
}

// counter reads one counter from /stats.
func (s *skiffProc) counter(name string) (uint64, error) {
	resp, err := s.hc.Get("http://" + s.admin + "/stats?filter=^" + strings.ReplaceAll(name, ".", `\.`) + "$")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(string(b)), name+": ")
	if !ok {
		return 0, fmt.Errorf("no %s in %q", name, b)
	}
	return strconv.ParseUint(v, 10, 64)
}

// cpu is the process's CPU time so far (10 ms resolution).
func (s *skiffProc) cpu() (time.Duration, error) {
	t, err := proc.CPUTicks(s.p.Pid())
	return time.Duration(t) * 10 * time.Millisecond, err
}

// rss is the process's resident set size.
func (s *skiffProc) rss() (uint64, error) {
	st, err := proc.ReadStatus(s.p.Pid())
	return st.RSS, err
}

func (s *skiffProc) stop() { _ = s.p.Stop(5 * time.Second) }

// freeAddr returns a loopback address with a port nobody listens on (for a moment).
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
