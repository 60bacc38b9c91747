package interception

// TestNetns is the end-to-end test of transparent interception (docs/interception.md, "How it
// is tested"): real namespaces, the real skiff binary as uid 1337 with only CAP_NET_ADMIN, the
// rules from `skiff intercept install`, and real traffic.

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The listener counters the test follows, by short name.
var netnsStats = map[string]string{
	"out4":      "listener.127.0.0.1_15001.downstream_cx_total",
	"out6":      "listener.::1_15001.downstream_cx_total",
	"in4":       "listener.127.0.0.1_15006.downstream_cx_total",
	"in6":       "listener.::1_15006.downstream_cx_total",
	"loopOut4":  "listener.127.0.0.1_15001.downstream_cx_loop_refused",
	"loopOut6":  "listener.::1_15001.downstream_cx_loop_refused",
	"loopIn4":   "listener.127.0.0.1_15006.downstream_cx_loop_refused",
	"loopIn6":   "listener.::1_15006.downstream_cx_loop_refused",
	"upstream4": "cluster.passthrough.upstream_cx_total",
}

// interceptFlags are the flags of `skiff intercept install` in the test: 15020 and 20881 are
// served by the app without capture, 8443 and 20881 on the remote are reached directly, and so
// is the remote's second address.
var interceptFlags = []string{
	"--exclude-inbound-ports", "15020,20881", "--exclude-outbound-ports", "8443,20881",
	"--exclude-outbound-cidrs", other4 + "/32," + other6 + "/128",
}

// requireLab skips unless the test can build the lab: root, ip, iptables, setpriv and ss.
func requireLab(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping the network namespace test: it needs root (CI runs it as root)")
	}
	for _, tool := range []string{"ip", "iptables", "iptables-save", "ip6tables-save", "setpriv", "ss", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipping the network namespace test: %s not found (apt-get install iptables iproute2 util-linux)", tool)
		}
	}
}

// netns is the running lab with its agents.
type netns struct {
	*lab
	admin, app, proxyUID, remote *agent
}

func TestNetns(t *testing.T) {
	requireLab(t)
	n := startNetns(t)
	addForeignRules(t, n.podNS, "iptables", "ip6tables")
	before := snapshot(t, n.podNS)
	n.install(t)
	installed := snapshot(t, n.podNS)
	n.install(t)
	if again := snapshot(t, n.podNS); again != installed {
		t.Fatalf("a second install changed the rules:\n%s", diffLines(installed, again))
	}
	t.Run("outbound", n.testOutbound)
	t.Run("inbound", n.testInbound)
	t.Run("exclusions", n.testExclusions)
	t.Run("loop guard", n.testLoopGuard)
	t.Run("original destinations", n.testClusters)
	t.Run("latency", n.testLatency)
	t.Run("proxy closes first", n.testProxyCloses)
	t.Run("no LAST-ACK", n.testNoLastAck)
	t.Run("no conntrack, no nat", n.testStateless)

	out, err := n.in(n.podNS, filepath.Join(n.dir, "skiff"), "intercept", "uninstall")
	if err != nil {
		t.Fatalf("uninstall: %v\n%s", err, out)
	}
	if after := snapshot(t, n.podNS); after != before {
		t.Errorf("install twice + uninstall once left a trace:\n%s", diffLines(before, after))
	}
	n.flows(t, []flow{{name: "not captured after uninstall", from: n.app,
		req: agentRequest{Op: "http", Addr: remote4 + ":80"}, want: "remote local=" + remote4 + ":80"}})
}

// startNetns builds the lab: servers in both namespaces, then the proxy (before any rule).
func startNetns(t *testing.T) *netns {
	l := newLab(t)
	n := &netns{lab: l,
		admin:    l.startAgent("pod-root", l.podNS, -1),
		app:      l.startAgent("app", l.podNS, 2000),
		proxyUID: l.startAgent("pod-1337", l.podNS, 1337),
		remote:   l.startAgent("remote", l.remoteNS, -1),
	}
	for _, s := range []agentRequest{
		{Op: "http-serve", Name: "remote", Addr: ":80"},
		{Op: "http-serve", Name: "remote-8443", Addr: ":8443"},
		{Op: "echo-serve", Addr: ":20880"},
		{Op: "echo-serve", Addr: ":20881"},
	} {
		n.remote.must(t, s)
	}
	for _, s := range []agentRequest{
		{Op: "http-serve", Name: "app", Addr: ":8080"},
		{Op: "http-serve", Name: "app-15020", Addr: ":15020"},
		{Op: "echo-serve", Addr: ":20880"},
		{Op: "echo-serve", Addr: ":20881"},
	} {
		n.app.must(t, s)
	}
	// The first IPv6 connection of a new namespace waits a second for neighbour discovery:
	// make it before capture, so no captured connection runs into the proxy's idle timeout.
	n.app.must(t, agentRequest{Op: "http", Addr: "[" + remote6 + "]:8443"})
	n.app.must(t, agentRequest{Op: "http", Addr: remote4 + ":8443"})
	l.startProxy(n.admin)
	return n
}

// install runs `skiff intercept install` in the pod, skipping when the kernel lacks TPROXY or
// the socket match.
func (n *netns) install(t *testing.T) {
	t.Helper()
	args := append([]string{"intercept", "install"}, interceptFlags...)
	out, err := n.in(n.podNS, filepath.Join(n.dir, "skiff"), args...)
	if err != nil && strings.Contains(err.Error(), "is not available") {
		t.Skipf("skipping: the kernel lacks a feature interception needs: %v", err)
	}
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
}

// flow is one connection and what must come of it.
type flow struct {
	name string
	from *agent
	req  agentRequest
	// want is the prefix of the answer (http), or the outcome (probe); echo wants its data back.
	want string
	// delta is how each counter of netnsStats must change; counters not named must not.
	delta map[string]int64
}

// flows runs each flow and checks its answer and the proxy's counters.
func (n *netns) flows(t *testing.T, fs []flow) {
	t.Helper()
	for _, f := range fs {
		before := n.stats(t)
		resp := f.from.do(f.req)
		after := n.stats(t)
		switch {
		case resp.Err != "":
			t.Errorf("%s: %s %s: %s", f.name, f.req.Op, f.req.Addr, resp.Err)
		case f.req.Op == "echo" && !bytes.Equal(resp.Data, f.req.Data):
			t.Errorf("%s: echo came back as % x, want % x", f.name, resp.Data, f.req.Data)
		case f.req.Op != "echo" && !strings.HasPrefix(resp.Body, f.want):
			t.Errorf("%s: got %q, want it to start with %q", f.name, resp.Body, f.want)
		}
		for short, name := range netnsStats {
			if got, want := after[name]-before[name], f.delta[short]; got != want {
				t.Errorf("%s: %s changed by %d, want %d", f.name, name, got, want)
			}
		}
	}
}

// stats reads the proxy's counters.
func (n *netns) stats(t *testing.T) map[string]int64 {
	t.Helper()
	body := n.admin.must(t, agentRequest{Op: "get", URL: "http://127.0.0.1:15000/stats"}).Body
	m := map[string]int64{}
	for line := range strings.Lines(body) {
		name, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if i, err := strconv.ParseInt(v, 10, 64); ok && err == nil {
			m[name] = i
		}
	}
	return m
}

func (n *netns) testOutbound(t *testing.T) {
	frame := dubboFrame()
	n.flows(t, []flow{
		{name: "http v4", from: n.app, req: agentRequest{Op: "http", Addr: remote4 + ":80"},
			want: "remote local=" + remote4 + ":80 remote=" + pod4, delta: map[string]int64{"out4": 1, "upstream4": 1}},
		{name: "http v6", from: n.app, req: agentRequest{Op: "http", Addr: "[" + remote6 + "]:80"},
			want: "remote local=[" + remote6 + "]:80 remote=[" + pod6, delta: map[string]int64{"out6": 1, "upstream4": 1}},
		{name: "http v4, remote closes first", from: n.app,
			req:  agentRequest{Op: "http", Addr: remote4 + ":80", ServerCloses: true},
			want: "remote local=" + remote4 + ":80", delta: map[string]int64{"out4": 1, "upstream4": 1}},
		{name: "dubbo frame v4", from: n.app, req: agentRequest{Op: "echo", Addr: remote4 + ":20880", Data: frame},
			delta: map[string]int64{"out4": 1, "upstream4": 1}},
		{name: "dubbo frame v6", from: n.app, req: agentRequest{Op: "echo", Addr: "[" + remote6 + "]:20880", Data: frame},
			delta: map[string]int64{"out6": 1, "upstream4": 1}},
	})
}

func (n *netns) testInbound(t *testing.T) {
	frame := dubboFrame()
	n.flows(t, []flow{
		{name: "http v4 (from 127.0.0.6)", from: n.remote, req: agentRequest{Op: "http", Addr: pod4 + ":8080"},
			want: "app local=" + pod4 + ":8080 remote=127.0.0.6:", delta: map[string]int64{"in4": 1}},
		{name: "http v6", from: n.remote, req: agentRequest{Op: "http", Addr: "[" + pod6 + "]:8080"},
			want: "app local=[" + pod6 + "]:8080 remote=[" + pod6 + "]:", delta: map[string]int64{"in6": 1}},
		{name: "http v4, app closes first", from: n.remote,
			req:  agentRequest{Op: "http", Addr: pod4 + ":8080", ServerCloses: true},
			want: "app local=" + pod4 + ":8080 remote=127.0.0.6:", delta: map[string]int64{"in4": 1}},
		{name: "http v6, app closes first", from: n.remote,
			req:  agentRequest{Op: "http", Addr: "[" + pod6 + "]:8080", ServerCloses: true},
			want: "app local=[" + pod6 + "]:8080", delta: map[string]int64{"in6": 1}},
		{name: "dubbo frame v4", from: n.remote, req: agentRequest{Op: "echo", Addr: pod4 + ":20880", Data: frame},
			delta: map[string]int64{"in4": 1}},
	})
}

func (n *netns) testExclusions(t *testing.T) {
	n.flows(t, []flow{
		{name: "excluded outbound port", from: n.app, req: agentRequest{Op: "http", Addr: remote4 + ":8443"},
			want: "remote-8443 local=" + remote4 + ":8443"},
		{name: "excluded outbound CIDR v4", from: n.app, req: agentRequest{Op: "http", Addr: other4 + ":80"},
			want: "remote local=" + other4 + ":80"},
		{name: "excluded outbound CIDR v6", from: n.app, req: agentRequest{Op: "http", Addr: "[" + other6 + "]:80"},
			want: "remote local=[" + other6 + "]:80"},
		// A process of the proxy's uid without the bypass mark must not close first: its orphaned
		// socket's last ACK is captured (docs/interception.md, pitfalls). Skiff marks its sockets.
		{name: "proxy uid v4", from: n.proxyUID, req: agentRequest{Op: "http", Addr: remote4 + ":80", ServerCloses: true},
			want: "remote local=" + remote4 + ":80"},
		{name: "proxy uid v6", from: n.proxyUID,
			req:  agentRequest{Op: "http", Addr: "[" + remote6 + "]:80", ServerCloses: true},
			want: "remote local=[" + remote6 + "]:80"},
		{name: "loopback v4", from: n.app, req: agentRequest{Op: "http", Addr: "127.0.0.1:8080"},
			want: "app local=127.0.0.1:8080 remote=127.0.0.1:"},
		{name: "loopback v6", from: n.app, req: agentRequest{Op: "http", Addr: "[::1]:8080"},
			want: "app local=[::1]:8080 remote=[::1]:"},
		{name: "own pod address", from: n.app, req: agentRequest{Op: "http", Addr: pod4 + ":8080"},
			want: "app local=" + pod4 + ":8080 remote=" + pod4 + ":"},
		{name: "excluded inbound port v4", from: n.remote, req: agentRequest{Op: "http", Addr: pod4 + ":15020"},
			want: "app-15020 local=" + pod4 + ":15020 remote=" + remote4 + ":"},
		{name: "excluded inbound port v6", from: n.remote,
			req:  agentRequest{Op: "http", Addr: "[" + pod6 + "]:15020", ServerCloses: true},
			want: "app-15020 local=[" + pod6 + "]:15020 remote=[" + remote6 + "]:"},
		{name: "outbound capture port from outside", from: n.remote, req: agentRequest{Op: "probe", Addr: pod4 + ":15001"},
			want: "refused"},
		{name: "inbound capture port from outside", from: n.remote, req: agentRequest{Op: "probe", Addr: pod4 + ":15006"},
			want: "refused"},
		{name: "outbound capture port from outside v6", from: n.remote,
			req: agentRequest{Op: "probe", Addr: "[" + pod6 + "]:15001"}, want: "refused"},
		{name: "admin port from outside", from: n.remote, req: agentRequest{Op: "probe", Addr: pod4 + ":15000"},
			want: "refused"},
	})
}

func (n *netns) testLoopGuard(t *testing.T) {
	n.flows(t, []flow{
		{name: "app to 127.0.0.1:15001", from: n.app, req: agentRequest{Op: "probe", Addr: "127.0.0.1:15001"},
			want: "closed", delta: map[string]int64{"loopOut4": 1}},
		{name: "app to [::1]:15001", from: n.app, req: agentRequest{Op: "probe", Addr: "[::1]:15001"},
			want: "closed", delta: map[string]int64{"loopOut6": 1}},
		{name: "app to 127.0.0.1:15006", from: n.app, req: agentRequest{Op: "probe", Addr: "127.0.0.1:15006"},
			want: "closed", delta: map[string]int64{"loopIn4": 1}},
	})
}

// testClusters checks the proxy's view: each original destination is a host of its
// ORIGINAL_DST cluster, and excluded destinations are not.
func (n *netns) testClusters(t *testing.T) {
	body := n.admin.must(t, agentRequest{Op: "get", URL: "http://127.0.0.1:15000/clusters"}).Body
	for _, want := range []string{
		"passthrough::" + remote4 + ":80::cx_total::2", "passthrough::[" + remote6 + "]:80::cx_total::1",
		"passthrough::" + remote4 + ":20880::cx_total::1", "passthrough::[" + remote6 + "]:20880::cx_total::1",
		"inbound::" + pod4 + ":8080::cx_total::2", "inbound6::[" + pod6 + "]:8080::cx_total::2",
		"inbound::" + pod4 + ":20880::cx_total::1",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/clusters lacks %q", want)
		}
	}
	for _, absent := range []string{":8443::", other4, other6, ":15020::", "127.0.0.1:1500"} {
		if strings.Contains(body, absent) {
			t.Errorf("/clusters has %q, which was not to be captured", absent)
		}
	}
	if t.Failed() {
		t.Logf("/clusters:\n%s", body)
	}
}

// testLatency compares echo round trips through the proxy with direct ones, both directions.
func (n *netns) testLatency(t *testing.T) {
	const rounds, size = 1000, 64
	for _, c := range []struct {
		name             string
		from             *agent
		captured, direct string
	}{
		{"outbound", n.app, remote4 + ":20880", remote4 + ":20881"},
		{"inbound", n.remote, pod4 + ":20880", pod4 + ":20881"},
	} {
		via := c.from.must(t, agentRequest{Op: "latency", Addr: c.captured, N: rounds, Size: size}).Latencies
		direct := c.from.must(t, agentRequest{Op: "latency", Addr: c.direct, N: rounds, Size: size}).Latencies
		t.Logf("%s, %d round trips of %d bytes over one connection: direct p50 %v p99 %v; "+
			"through skiff p50 %v p99 %v; added p50 %v p99 %v (race detector: %v)",
			c.name, rounds, size, pct(direct, 50), pct(direct, 99), pct(via, 50), pct(via, 99),
			pct(via, 50)-pct(direct, 50), pct(via, 99)-pct(direct, 99), netnsRace)
	}
}

// pct returns the p-th percentile of sorted durations.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100].Round(time.Microsecond)
}

// testProxyCloses lets the proxy close idle connections first (tcp_proxy idle_timeout 1s), in
// both directions, so the peers close last and wait for the proxy's final ACK: a closed socket's
// packets have no owner uid and bypass capture only by their mark (see testNoLastAck).
func (n *netns) testProxyCloses(t *testing.T) {
	frame := dubboFrame()
	var wg sync.WaitGroup
	for _, f := range []flow{
		{name: "outbound v4", from: n.app, req: agentRequest{Op: "idle", Addr: remote4 + ":20880", Data: frame}},
		{name: "outbound v6", from: n.app, req: agentRequest{Op: "idle", Addr: "[" + remote6 + "]:20880", Data: frame}},
		{name: "inbound v4", from: n.remote, req: agentRequest{Op: "idle", Addr: pod4 + ":20880", Data: frame}},
		{name: "inbound v6", from: n.remote, req: agentRequest{Op: "idle", Addr: "[" + pod6 + "]:20880", Data: frame}},
	} {
		wg.Go(func() {
			if resp := f.from.do(f.req); resp.Err != "" {
				t.Errorf("%s: %s", f.name, resp.Err)
			}
		})
	}
	wg.Wait()
}

// testNoLastAck checks that no connection of the test is stuck in LAST-ACK in either namespace:
// the proxy's closing ACKs (marked, through TIME_WAIT) are never captured.
func (n *netns) testNoLastAck(t *testing.T) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		stuck := ""
		for _, ns := range []string{n.podNS, n.remoteNS} {
			if out := n.mustIn(ns, "ss", "-Htan", "state", "last-ack"); strings.TrimSpace(out) != "" {
				stuck += ns + ":\n" + out
			}
		}
		if stuck == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("connections stuck in LAST-ACK:\n%s", stuck)
		}
		time.Sleep(100 * time.Millisecond) // the last ACKs are in flight for a moment
	}
}

// testStateless checks that nothing used conntrack and that no nat table exists.
func (n *netns) testStateless(t *testing.T) {
	for _, ns := range []string{n.podNS, n.remoteNS} {
		count, err := n.in(ns, "cat", "/proc/sys/net/netfilter/nf_conntrack_count")
		if err != nil {
			count, err = n.in(ns, "conntrack", "-C")
		}
		if err != nil {
			t.Logf("%s: conntrack is not loaded (no nf_conntrack_count, no conntrack tool): nothing to count", ns)
			continue
		}
		if strings.TrimSpace(count) != "0" {
			t.Errorf("%s: conntrack count is %s, want 0", ns, strings.TrimSpace(count))
		}
		t.Logf("%s: conntrack count %s", ns, strings.TrimSpace(count))
	}
	for _, save := range []string{"iptables-save", "ip6tables-save", "iptables-legacy-save", "iptables-nft-save"} {
		if _, err := exec.LookPath(save); err != nil {
			continue
		}
		out := n.mustIn(n.podNS, save)
		if strings.Contains(out, "*nat") {
			t.Errorf("%s shows a nat table:\n%s", save, out)
		}
		for _, forbidden := range []string{"conntrack", "CONNMARK", "-m state", "REDIRECT"} {
			if strings.Contains(out, forbidden) {
				t.Errorf("%s shows %q:\n%s", save, forbidden, out)
			}
		}
	}
}

// dubboFrame is a Dubbo request frame: the 16-byte header (magic 0xdabb, request + two-way +
// hessian2, status 0, request id, body length) and a body.
func dubboFrame() []byte {
	body := []byte("\x052.0.2\x30\x2aorg.apache.dubbo.demo.DemoService\x050.0.0\x08sayHello" +
		"\x12Ljava/lang/String;\x05world\x48\x04path\x30\x2aorg.apache.dubbo.demo.DemoService\x5a")
	h := make([]byte, 16, 16+len(body))
	binary.BigEndian.PutUint16(h[0:], 0xdabb)
	h[2] = 0x80 | 0x40 | 0x02
	binary.BigEndian.PutUint64(h[4:], 42)
	binary.BigEndian.PutUint32(h[12:], uint32(len(body)))
	return append(h, body...)
}
