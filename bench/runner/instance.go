package runner

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/skiffmesh/skiff/bench/proc"
	"github.com/skiffmesh/skiff/bench/proxies"
)

const (
	stopGrace    = 5 * time.Second
	readyTimeout = 15 * time.Second
	readyPoll    = 20 * time.Millisecond
)

// instance is a running proxy.
type instance struct {
	proc   *proc.Process
	listen string
	log    string
}

// startProxy configures p in a fresh directory, starts it pinned to cpu
// and waits until it is ready.
func (r *runner) startProxy(p proxies.Proxy, cpu int, tag string) (*instance, error) {
	dir := filepath.Join(r.dir, tag)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	spec, err := p.Configure(dir, proxies.Ports{Listen: ports[0], Admin: ports[1], Backend: r.backendPort})
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "proxy.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	defer logf.Close() // the child has its own descriptor
	pr, err := proc.Start(proc.Spec{Path: spec.Path, Args: spec.Args, Env: spec.Env, CPU: cpu, Stdout: logf, Stderr: logf})
	if err != nil {
		return nil, err
	}
	in := &instance{proc: pr, listen: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])), log: logPath}
	if err := in.waitReady(spec.ReadyURL); err != nil {
		pr.Stop(stopGrace)
		if log := strings.TrimSpace(lastLines(logPath, 10)); log != "" {
			err = fmt.Errorf("%w; log:\n%s", err, log)
		}
		return nil, fmt.Errorf("runner: %s: %w", p.Name(), err)
	}
	if err := checkPinned(pr.Pid(), cpu); err != nil {
		pr.Stop(stopGrace)
		return nil, fmt.Errorf("runner: %s: %w", p.Name(), err)
	}
	return in, nil
}

// waitReady polls readyURL for 200, or the listen port for a connection,
// until the proxy answers, exits or the timeout passes.
func (in *instance) waitReady(readyURL string) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	for {
		if ready(ctx, readyURL, in.listen) {
			return nil
		}
		select {
		case <-in.proc.Done():
			return fmt.Errorf("exited before ready: %v", in.proc.Err())
		case <-ctx.Done():
			return fmt.Errorf("not ready after %v", readyTimeout)
		case <-tick.C:
		}
	}
}

func ready(ctx context.Context, readyURL, listen string) bool {
	if readyURL == "" {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", listen)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, readyURL, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// checkPinned confirms that pid may run on cpu only.
func checkPinned(pid, cpu int) error {
	st, err := proc.ReadStatus(pid)
	if err != nil {
		return err
	}
	if st.CPUs != strconv.Itoa(cpu) {
		return fmt.Errorf("pid %d may run on CPUs %q, want %d", pid, st.CPUs, cpu)
	}
	return nil
}

// startBackend starts the scenario's backend (`Self echo-server` or `Self
// http-server`) pinned to the backend CPU and reads the address it
// listens on.
func (r *runner) startBackend() error {
	addr := make(chan string, 1)
	errs := &tail{n: 20}
	stdout := &lineWriter{fn: func(l string) {
		if a, ok := strings.CutPrefix(l, EchoReadyPrefix); ok {
			addr <- a
		}
	}}
	p, err := proc.Start(proc.Spec{
		Path: r.cfg.Self, Args: append(append([]string{}, r.sc.backendArgs...), "-addr", "127.0.0.1:0"), Env: []string{"GOMAXPROCS=1"},
		CPU: r.cfg.BackendCPU, Stdout: stdout, Stderr: &lineWriter{fn: errs.add},
	})
	if err != nil {
		return err
	}
	r.backend = p
	select {
	case a := <-addr:
		return r.setBackendAddr(a)
	case <-p.Done():
		return fmt.Errorf("runner: %s exited: %v\n%s", r.sc.backendName, p.Err(), errs)
	case <-time.After(readyTimeout):
		return fmt.Errorf("runner: %s not ready after %v", r.sc.backendName, readyTimeout)
	}
}

// EchoReadyPrefix starts the line a backend (`echo-server`,
// `http-server`) prints once it listens.
const EchoReadyPrefix = "listening "

func (r *runner) setBackendAddr(a string) error {
	_, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("runner: %s address %q: %w", r.sc.backendName, a, err)
	}
	r.backendAddr = a
	r.backendPort, err = strconv.Atoi(port)
	if err != nil {
		return fmt.Errorf("runner: %s port %q: %w", r.sc.backendName, port, err)
	}
	return checkPinned(r.backend.Pid(), r.cfg.BackendCPU)
}

// freePorts returns n loopback ports that were free a moment ago. They
// are drawn below the kernel's ephemeral range: a port from that range
// (what listening on port 0 returns) can be taken by an outgoing
// connection, the load generator's or a proxy's, before the proxy binds it.
func freePorts(n int) ([]int, error) {
	lns := make([]net.Listener, 0, n)
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	lo := ephemeralLow()
	ports := make([]int, 0, n)
	for try := 0; len(ports) < n; try++ {
		if try == 1000 {
			return nil, fmt.Errorf("runner: no free port in [%d, %d)", minPort, lo)
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(minPort+rand.IntN(lo-minPort))))
		if err != nil {
			continue
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// minPort is the lowest port freePorts hands out.
const minPort = 10000

// ephemeralLow is the first port of the kernel's ephemeral range (32768
// when it cannot be read or leaves too little room below it).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	lo, err := strconv.Atoi(f[0])
	if err != nil || lo < minPort+1000 {
		return 32768
	}
	return lo
}

// lastLines returns the last n lines of a log file.
func lastLines(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	t := &tail{n: n}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		t.add(sc.Text())
	}
	return t.String()
}
