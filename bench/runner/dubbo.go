package runner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/skiffmesh/skiff/bench/dubbocall"
	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/bench/proxies"
)

// DubboConfig shapes the Dubbo scenario. Dubbo consumers keep many
// requests outstanding on few connections, so both loads run over Conns
// multiplexed connections.
type DubboConfig struct {
	// Rates are the open-loop request rates (req/s over all connections);
	// each is measured with its own proxy instances and has its own table.
	Rates []float64
	// Conns is the number of connections of both loads.
	Conns int
	// Window is how many requests the closed loop keeps outstanding on
	// each connection.
	Window int
	// Size is the length of each request's one string argument.
	Size int
}

// dubboOpenWindow bounds the requests outstanding on one connection in
// the open loop: far above what the rates need, so the schedule never
// waits for a slot unless a proxy stalls.
const dubboOpenWindow = 1024

func (c Config) dubboScenario() (scenario, error) {
	d := c.Dubbo
	switch {
	case len(d.Rates) == 0:
		return scenario{}, errors.New("runner: dubbo scenario: no rates")
	case d.Conns < 1 || d.Window < 1 || d.Window > dubboOpenWindow:
		return scenario{}, fmt.Errorf("runner: dubbo conns %d, window %d: want >= 1 and 1..%d", d.Conns, d.Window, dubboOpenWindow)
	case d.Size < 1 || d.Size > dubbocall.MaxSize:
		return scenario{}, fmt.Errorf("runner: dubbo argument size %d: want 1..%d", d.Size, dubbocall.MaxSize)
	}
	sc := scenario{id: ScenarioDubbo, proto: proxies.Dubbo, backendName: "Dubbo backend",
		backendArgs: []string{"dubbo-server"}, dubbo: d}
	for _, r := range d.Rates {
		if r <= 0 {
			return scenario{}, fmt.Errorf("runner: dubbo rate %g: want > 0", r)
		}
		sc.variants = append(sc.variants, variant{name: thousands(r) + " req/s", size: d.Size, rate: r})
	}
	return sc, nil
}

// dubboLoad completes base for variant v of the Dubbo scenario: Conns
// connections, the variant's rate and a wide window in the open loop,
// Window outstanding per connection in the closed loop.
func (sc scenario) dubboLoad(v variant, base loadgen.Config) loadgen.Config {
	base.Protocol, base.Size, base.Conns = loadgen.Dubbo, v.size, sc.dubbo.Conns
	base.Window = sc.dubbo.Window
	if base.Mode == loadgen.Open {
		base.Rate, base.Window = v.rate, dubboOpenWindow
	}
	return base
}

// tableConfig is cfg as variant v's table is labelled with: the Dubbo
// scenario's rates and connections replace the open-loop rate and the
// closed loop's connections.
func (sc scenario) tableConfig(cfg Config, v variant) Config {
	if v.rate > 0 {
		cfg.Rate = v.rate
	}
	if sc.proto == proxies.Dubbo {
		cfg.ThroughputConns = sc.dubbo.Conns
	}
	return cfg
}

func dubboTitle(sc scenario) string {
	return fmt.Sprintf("Dubbo: %d-byte-argument calls over %d multiplexed connections, through a Dubbo proxy (L7) or haproxy mode tcp (L4)",
		sc.dubbo.Size, sc.dubbo.Conns)
}

func dubboLatencyLine(cfg Config, sc scenario) string {
	rates := make([]string, len(sc.variants))
	for i, v := range sc.variants {
		rates[i] = thousands(v.rate)
	}
	return fmt.Sprintf("Latency: open loop at %s req/s (each rate its own proxy instances and table) over %d connections, "+
		"request k sent at k/rate on connection k mod %d whether or not earlier ones were answered (up to %s outstanding per connection), "+
		"latency from the scheduled send time to the response (so stalls count); %v warm-up + %v per rep. "+
		"\"added\" = proxy minus direct in the same rep and placement (minus the placement's median direct when that rep's direct run was discarded).",
		strings.Join(rates, " and "), sc.dubbo.Conns, sc.dubbo.Conns, thousands(dubboOpenWindow), cfg.Warmup, cfg.Duration)
}

func dubboThroughputLine(cfg Config, sc scenario) string {
	return fmt.Sprintf("Throughput: closed loop, %d connections with %d requests outstanding on each (a response's slot is refilled at once; "+
		"what a read frees leaves in one write), %v warm-up + %v per rep; proxy CPU = utime+stime from /proc/PID/stat over the window "+
		"(10 ms ticks). RSS: VmRSS once ready (idle), VmHWM after the rep, from /proc/PID/status.",
		sc.dubbo.Conns, sc.dubbo.Window, cfg.Warmup, cfg.ThroughputDuration)
}

// dubboLines describe the Dubbo scenario's requests and backend.
func dubboLines(sc scenario) []string {
	return []string{
		fmt.Sprintf("Dubbo requests: one two-way hessian2 request, `%s:%s` method `%s(String)` with a %d-byte argument and the path, interface and "+
			"version attachments, encoded once; each send rewrites its ID (slot and sequence number per connection), and each response is matched "+
			"to its request by ID. A status other than OK (20), an ID that matches no outstanding request or a closed connection fails the run.",
			dubbocall.Interface, dubbocall.Version, dubbocall.Method, sc.dubbo.Size),
		"Dubbo backend: `skiffbench dubbo-server`, a minimal provider on one level-triggered epoll loop on one locked thread: a read takes every frame " +
			"that has arrived, each two-way request gets one pre-encoded OK response (value \"OK\") with the request's ID, all in one write; " +
			"request bodies are not decoded; no allocation per request.",
	}
}
