package runner

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skiffmesh/skiff/bench/loadgen"
	"github.com/skiffmesh/skiff/bench/proxies"
)

func TestConfigScenarios(t *testing.T) {
	tests := []struct {
		name      string
		scenarios []string
		sizes     []int
		want      string // id:proto:backend args:variant sizes, per scenario
		wantErr   bool
	}{
		{"both", []string{"tcp-echo", "http"}, []int{16, 1024}, "tcp-echo:tcp:echo-server:64 http:http:http-server -sizes 16,1024:16,1024", false},
		{"http first", []string{"http", "tcp-echo"}, []int{1024}, "http:http:http-server -sizes 1024:1024 tcp-echo:tcp:echo-server:64", false},
		{"tcp alone needs no http sizes", []string{"tcp-echo"}, nil, "tcp-echo:tcp:echo-server:64", false},
		{"none", nil, []int{16}, "", true},
		{"unknown", []string{"grpc"}, []int{16}, "", true},
		{"http without sizes", []string{"http"}, nil, "", true},
		{"http size zero", []string{"http"}, []int{0}, "", true},
		{"http size too large", []string{"http"}, []int{maxHTTPSize + 1}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{Scenarios: tt.scenarios, HTTPSizes: tt.sizes, Size: 64}
			scs, err := c.scenarios()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			var got []string
			for _, sc := range scs {
				var sizes []string
				for _, v := range sc.variants {
					sizes = append(sizes, strconv.Itoa(v.size))
				}
				got = append(got, strings.Join([]string{sc.id, string(sc.proto), strings.Join(sc.backendArgs, " "), strings.Join(sizes, ",")}, ":"))
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("scenarios = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScenarioLoad(t *testing.T) {
	c := Config{Scenarios: []string{"tcp-echo", "http"}, HTTPSizes: []int{16, 1024}, Size: 64}
	scs, err := c.scenarios()
	if err != nil {
		t.Fatal(err)
	}
	base := loadgen.Config{Addr: "127.0.0.1:1", Mode: loadgen.Closed, Conns: 1, Duration: time.Second}
	echo := scs[0].load(scs[0].variants[0], base)
	if echo.Protocol != loadgen.Echo || echo.Size != 64 || echo.Validate() != nil {
		t.Errorf("echo load = %+v", echo)
	}
	http := scs[1].load(scs[1].variants[1], base)
	if http.Protocol != loadgen.HTTP || http.Path != "/1024" || http.Validate() != nil {
		t.Errorf("http load = %+v", http)
	}
	if scs[1].variants[0].name != "16-byte responses" || scs[1].variants[1].name != "1,024-byte responses" {
		t.Errorf("variant names %q, %q", scs[1].variants[0].name, scs[1].variants[1].name)
	}
}

func httpScenario(t *testing.T) scenario {
	t.Helper()
	scs, err := Config{Scenarios: []string{"http"}, HTTPSizes: []int{16, 1024}}.scenarios()
	if err != nil {
		t.Fatal(err)
	}
	return scs[0]
}

// Each variant's table holds only that variant's runs, and "added" pairs
// a run with the direct run of its own variant.
func TestSummaryTablesSplitsVariants(t *testing.T) {
	sc := httpScenario(t)
	cols := []column{{name: Direct}, {name: "haproxy", proxy: proxies.HAProxy{}}}
	pls := []Placement{{Name: "same-core"}}
	small, large := sc.variants[0].name, sc.variants[1].name
	runs := []Measurement{
		run(1, "same-core", Direct, 60, ""), run(1, "same-core", "haproxy", 100, ""),
		run(1, "same-core", Direct, 70, ""), run(1, "same-core", "haproxy", 150, ""),
	}
	runs[0].Variant, runs[1].Variant, runs[2].Variant, runs[3].Variant = small, small, large, large
	tables := summaryTables(Config{Rate: 1000, ThroughputConns: 64}, sc, cols, pls, runs)
	if len(tables) != 2 {
		t.Fatalf("%d tables, want 2", len(tables))
	}
	for i, want := range []string{"+40", "+80"} {
		if got := tables[i].Rows[0][2]; got != want {
			t.Errorf("table %d: added p50 = %q, want %q", i, got, want)
		}
	}
}

func TestRenderSection(t *testing.T) {
	tcp, err := Config{Scenarios: []string{"tcp-echo"}, Size: 64}.scenarios()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		sc       scenario
		want     []string
		wantNot  []string
		nheaders int
	}{
		{"tcp-echo keeps its layout", tcp[0], []string{"## TCP echo: 64-byte ping-pong through a TCP proxy", "`skiffbench load` / `skiffbench echo-server`",
			"echo backend cpu 1", "| rep | placement | column |"}, []string{"###", "variant", "HTTP"}, 1},
		{"http has a table per size", httpScenario(t), []string{"## HTTP/1.1 keep-alive", "### 16-byte responses", "### 1,024-byte responses",
			"`skiffbench http-server`", "HTTP backend cpu 1", "variant | column |", "`/1024` (1024-byte body)"}, nil, 2},
	}
	cfg := Config{Size: 64, Rate: 1000, Conns: 16, ThroughputConns: 64, Reps: 1, ClientCPU: 0, BackendCPU: 1, Command: "skiffbench"}
	cols := []column{{name: Direct}}
	pls := []Placement{{Name: "same-core", ProxyCPU: 0}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := []Measurement{run(1, "same-core", Direct, 60, "")}
			runs[0].Variant = tt.sc.variants[0].name
			tables := summaryTables(cfg, tt.sc, cols, pls, runs)
			got := renderSection(cfg, tt.sc, environment{}, cols, pls, runs, tables)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("section lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("section has %q:\n%s", w, got)
				}
			}
			if n := strings.Count(got, "| metric"); n != tt.nheaders {
				t.Errorf("%d summary tables, want %d", n, tt.nheaders)
			}
		})
	}
}
