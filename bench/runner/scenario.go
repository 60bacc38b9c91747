package runner

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/skiffmesh/skiff/bench/httpbackend"
	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/bench/proxies"
)

// Scenario names, as given to Config.Scenarios; each is also the id of
// the scenario's report section.
const (
	ScenarioTCPEcho = "tcp-echo"
	ScenarioHTTP    = "http"
	ScenarioDubbo   = "dubbo"
)

// maxHTTPSize bounds an HTTP response body size.
const maxHTTPSize = 1 << 20

// scenario is what one benchmark scenario runs: which backend, how the
// proxies forward, and the request shapes (variants) to measure.
type scenario struct {
	id    string
	proto proxies.Protocol
	// backendName names the backend in the placement text.
	backendName string
	// backendArgs start the backend: `Self backendArgs... -addr 127.0.0.1:0`.
	backendArgs []string
	variants    []variant
	// dubbo shapes the Dubbo scenario's loads.
	dubbo DubboConfig
}

// variant is one request shape of a scenario, measured with its own proxy
// instances and summarised in its own table.
type variant struct {
	// name heads the variant's table; "" for a scenario's only variant.
	name string
	// size is the echo message size, the HTTP response body size or the
	// Dubbo request's argument length.
	size int
	// rate, if not zero, replaces Config.Rate in the open loop (Dubbo).
	rate float64
}

// scenarios resolves c.Scenarios.
func (c Config) scenarios() ([]scenario, error) {
	if len(c.Scenarios) == 0 {
		return nil, errors.New("runner: no scenarios")
	}
	out := make([]scenario, 0, len(c.Scenarios))
	for _, name := range c.Scenarios {
		switch name {
		case ScenarioTCPEcho:
			out = append(out, scenario{id: name, proto: proxies.TCP, backendName: "echo backend",
				backendArgs: []string{"echo-server"}, variants: []variant{{size: c.Size}}})
		case ScenarioHTTP:
			sc, err := c.httpScenario()
			if err != nil {
				return nil, err
			}
			out = append(out, sc)
		case ScenarioDubbo:
			sc, err := c.dubboScenario()
			if err != nil {
				return nil, err
			}
			out = append(out, sc)
		default:
			return nil, fmt.Errorf("runner: scenario %q: want %s, %s or %s", name, ScenarioTCPEcho, ScenarioHTTP, ScenarioDubbo)
		}
	}
	return out, nil
}

func (c Config) httpScenario() (scenario, error) {
	if len(c.HTTPSizes) == 0 {
		return scenario{}, errors.New("runner: http scenario: no response sizes")
	}
	sc := scenario{id: ScenarioHTTP, proto: proxies.HTTP, backendName: "HTTP backend"}
	sizes := make([]string, len(c.HTTPSizes))
	for i, size := range c.HTTPSizes {
		if size < 1 || size > maxHTTPSize {
			return scenario{}, fmt.Errorf("runner: http response size %d: want 1..%d", size, maxHTTPSize)
		}
		sizes[i] = strconv.Itoa(size)
		sc.variants = append(sc.variants, variant{name: fmt.Sprintf("%s-byte responses", thousands(float64(size))), size: size})
	}
	sc.backendArgs = []string{"http-server", "-sizes", strings.Join(sizes, ",")}
	return sc, nil
}

// load completes base for variant v: echo messages of v.size bytes, GETs
// of the path the HTTP backend answers with v.size bytes, or Dubbo calls.
func (sc scenario) load(v variant, base loadgen.Config) loadgen.Config {
	if sc.proto == proxies.Dubbo {
		return sc.dubboLoad(v, base)
	}
	if sc.proto == proxies.HTTP {
		base.Protocol, base.Path = loadgen.HTTP, httpbackend.Path(v.size)
		return base
	}
	base.Protocol, base.Size = loadgen.Echo, v.size
	return base
}
