package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/bench/loadgen"
)

var dubboDefaults = DubboConfig{Rates: []float64{1000, 10000}, Conns: 2, Window: 32, Size: 64}

func dubboScenarioFor(t *testing.T) scenario {
	t.Helper()
	scs, err := Config{Scenarios: []string{"dubbo"}, Dubbo: dubboDefaults}.scenarios()
	if err != nil {
		t.Fatal(err)
	}
	return scs[0]
}

func TestDubboScenario(t *testing.T) {
	sc := dubboScenarioFor(t)
	if sc.id != "dubbo" || strings.Join(sc.backendArgs, " ") != "dubbo-server" || len(sc.variants) != 2 {
		t.Fatalf("scenario = %+v", sc)
	}
	if v := sc.variants[1]; v.name != "10,000 req/s" || v.rate != 10000 || v.size != 64 {
		t.Errorf("variant = %+v", v)
	}
	bad := map[string]func(*DubboConfig){
		"no rates":         func(d *DubboConfig) { d.Rates = nil },
		"zero rate":        func(d *DubboConfig) { d.Rates = []float64{1000, 0} },
		"no conns":         func(d *DubboConfig) { d.Conns = 0 },
		"zero window":      func(d *DubboConfig) { d.Window = 0 },
		"window too large": func(d *DubboConfig) { d.Window = dubboOpenWindow + 1 },
		"zero size":        func(d *DubboConfig) { d.Size = 0 },
	}
	for name, mutate := range bad {
		t.Run(name, func(t *testing.T) {
			d := dubboDefaults
			d.Rates = append([]float64{}, d.Rates...)
			mutate(&d)
			if _, err := (Config{Scenarios: []string{"dubbo"}, Dubbo: d}).scenarios(); err == nil {
				t.Errorf("%+v accepted", d)
			}
		})
	}
}

// The open loop runs at the variant's rate with a wide window, the closed
// loop with the configured window; both over the Dubbo connections.
func TestDubboLoad(t *testing.T) {
	sc := dubboScenarioFor(t)
	r := &runner{cfg: Config{Conns: 16, Rate: 1000, ThroughputConns: 64, Duration: time.Second, ThroughputDuration: time.Second}, sc: sc}
	open := r.latencyLoad("127.0.0.1:1", sc.variants[1])
	if open.Protocol != loadgen.Dubbo || open.Rate != 10000 || open.Conns != 2 || open.Window != dubboOpenWindow || open.Size != 64 || open.Validate() != nil {
		t.Errorf("open load = %+v", open)
	}
	closed := r.throughputLoad("127.0.0.1:1", sc.variants[0])
	if closed.Mode != loadgen.Closed || closed.Conns != 2 || closed.Window != 32 || closed.Validate() != nil {
		t.Errorf("closed load = %+v", closed)
	}
	args := strings.Join(LoadArgs(closed), " ")
	if !strings.HasSuffix(args, " -proto dubbo -window 32") || !strings.Contains(args, "-conns 2 ") {
		t.Errorf("LoadArgs = %q", args)
	}
}

func TestRenderDubboSection(t *testing.T) {
	sc := dubboScenarioFor(t)
	cfg := Config{Size: 64, Rate: 1000, Conns: 16, ThroughputConns: 64, Reps: 1, ClientCPU: 0, BackendCPU: 1, Command: "skiffbench", Dubbo: dubboDefaults}
	cols := []column{{name: Direct}}
	pls := []Placement{{Name: "same-core", ProxyCPU: 0}}
	var runs []Measurement
	for _, v := range sc.variants {
		m := run(1, "same-core", Direct, 60, "")
		m.Variant = v.name
		runs = append(runs, m)
	}
	got := renderSection(cfg, sc, environment{}, cols, pls, runs, summaryTables(cfg, sc, cols, pls, runs))
	for _, w := range []string{"## Dubbo: 64-byte-argument calls over 2 multiplexed connections", "### 1,000 req/s", "### 10,000 req/s",
		"`skiffbench dubbo-server`", "Dubbo backend cpu 1", "open loop at 1,000 and 10,000 req/s", "2 connections with 32 requests outstanding",
		"at 10,000 req/s", "closed-loop req/s (2 conns)", "variant | column |"} {
		if !strings.Contains(got, w) {
			t.Errorf("section lacks %q:\n%s", w, got)
		}
	}
	for _, w := range []string{"one request outstanding per connection", "64 conns"} {
		if strings.Contains(got, w) {
			t.Errorf("section has %q", w)
		}
	}
}
