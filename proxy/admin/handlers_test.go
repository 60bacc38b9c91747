package admin

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestReadyFollowsHealthcheck(t *testing.T) {
	f := startFixture(t)
	steps := []struct {
		method, path string
		code         int
		body         string
		live         string // server.live in /stats afterwards
	}{
		{http.MethodGet, "/ready", http.StatusOK, "LIVE", "1"},
		{http.MethodPost, "/healthcheck/fail", http.StatusOK, "OK", "0"},
		{http.MethodGet, "/ready", http.StatusServiceUnavailable, "DRAINING", "0"},
		{http.MethodPost, "/healthcheck/fail", http.StatusOK, "OK", "0"}, // idempotent
		{http.MethodPost, "/healthcheck/ok", http.StatusOK, "OK", "1"},
		{http.MethodGet, "/ready", http.StatusOK, "LIVE", "1"},
	}
	for i, s := range steps {
		code, body := f.do(s.method, s.path)
		if code != s.code || strings.TrimSpace(body) != s.body {
			t.Fatalf("step %d: %s %s = %d %q, want %d %q", i, s.method, s.path, code, body, s.code, s.body)
		}
		if got := strings.TrimSpace(f.get(`/stats?filter=^server\.live$`)); got != "server.live: "+s.live {
			t.Fatalf("step %d: /stats shows %q, want server.live: %s", i, got, s.live)
		}
	}
}

// Mutating endpoints answer 405 to GET and do nothing; read-only ones answer
// 405 to POST.
func TestMethodNotAllowed(t *testing.T) {
	f := startFixture(t)
	tests := []struct {
		method, path string
		allow        string // expected Allow header, if any
	}{
		{http.MethodGet, "/healthcheck/fail", "POST"},
		{http.MethodGet, "/healthcheck/ok", "POST"},
		{http.MethodGet, "/quitquitquit", "POST"},
		{http.MethodGet, "/runtime_modify?skiff.stats.host_level=false", "POST"},
		{http.MethodGet, "/drain_listeners", "POST"},
		{http.MethodPost, "/ready", ""},
		{http.MethodPost, "/stats", ""},
		{http.MethodPut, "/logging?level=debug", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			code, body, h := f.doHeader(tt.method, tt.path)
			if code != http.StatusMethodNotAllowed {
				t.Fatalf("status %d %q, want 405", code, body)
			}
			if tt.allow != "" && h.Get("Allow") != tt.allow {
				t.Fatalf("Allow = %q, want %q", h.Get("Allow"), tt.allow)
			}
		})
	}
	// None of the refused requests had an effect.
	if code, _ := f.do(http.MethodGet, "/ready"); code != http.StatusOK {
		t.Errorf("/ready = %d after refused requests", code)
	}
	if len(f.quits) != 0 {
		t.Error("GET /quitquitquit called Quit")
	}
	if !f.srv.Clusters().HostStats() {
		t.Error("GET /runtime_modify changed a runtime key")
	}
	if len(f.srv.ListenerAddrs()) != 1 {
		t.Error("GET /drain_listeners stopped the listeners")
	}
	if f.level.Level() != slog.LevelInfo {
		t.Error("PUT /logging changed the level")
	}
}

func TestHelpAndNotFound(t *testing.T) {
	f := startFixture(t)
	help := f.get("/")
	for _, e := range endpoints {
		if !strings.Contains(help, "  "+e[0]+": ") {
			t.Errorf("help lacks %s:\n%s", e[0], help)
		}
	}
	if code, _ := f.do(http.MethodGet, "/no_such_endpoint"); code != http.StatusNotFound {
		t.Errorf("unknown path: %d, want 404", code)
	}
}

func TestServerInfo(t *testing.T) {
	f := startFixture(t)
	var info struct {
		Version     string         `json:"version"`
		State       string         `json:"state"`
		UptimeNow   string         `json:"uptime_current_epoch"`
		UptimeAll   string         `json:"uptime_all_epochs"`
		CommandLine map[string]any `json:"command_line_options"`
		Node        struct {
			ID      string `json:"id"`
			Cluster string `json:"cluster"`
		} `json:"node"`
	}
	body := f.get("/server_info")
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"version", info.Version, testVersion},
		{"state", info.State, "LIVE"},
		{"uptime_current_epoch suffix", strings.HasSuffix(info.UptimeNow, "s"), true},
		{"uptime_all_epochs", info.UptimeAll, info.UptimeNow},
		{"command_line_options.config_path", info.CommandLine["config_path"], "test.yaml"},
		{"command_line_options.concurrency", info.CommandLine["concurrency"], float64(1)},
		{"node.id", info.Node.ID, testNodeID},
		{"node.cluster", info.Node.Cluster, "app"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	f.post("/healthcheck/fail")
	if err := json.Unmarshal([]byte(f.get("/server_info")), &info); err != nil || info.State != "DRAINING" {
		t.Errorf("state after /healthcheck/fail = %q (%v), want DRAINING", info.State, err)
	}
}

func TestLogging(t *testing.T) {
	f := startFixture(t)
	fixed := f.withAdmin(func(o *Options) { o.LogLevel = nil })
	tests := []struct {
		name      string
		fixed     bool // served by an admin without a LevelVar
		query     string
		code      int
		wantLevel slog.Level
		wantBody  string
	}{
		{"debug", false, "?level=debug", http.StatusOK, slog.LevelDebug, "skiff: debug"},
		{"warn upper case", false, "?level=WARN", http.StatusOK, slog.LevelWarn, "skiff: warn"},
		{"error", false, "?level=error", http.StatusOK, slog.LevelError, "skiff: error"},
		{"unknown level", false, "?level=chatty", http.StatusBadRequest, slog.LevelInfo, "level must be"},
		{"missing level", false, "", http.StatusBadRequest, slog.LevelInfo, "level must be"},
		{"not adjustable", true, "?level=debug", http.StatusNotImplemented, slog.LevelInfo, "not adjustable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.level.Set(slog.LevelInfo)
			g, want := f, "skiff: "+strings.ToLower(tt.wantLevel.String())
			if tt.fixed {
				g, want = fixed, "skiff: unknown"
			}
			code, body := g.do(http.MethodPost, "/logging"+tt.query)
			if code != tt.code || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("POST /logging%s = %d %q, want %d containing %q", tt.query, code, body, tt.code, tt.wantBody)
			}
			if f.level.Level() != tt.wantLevel {
				t.Fatalf("level = %v, want %v", f.level.Level(), tt.wantLevel)
			}
			if got := g.get("/logging"); !strings.Contains(got, want) {
				t.Fatalf("GET /logging = %q, want it to contain %q", got, want)
			}
		})
	}
}

func TestQuitQuitQuit(t *testing.T) {
	f := startFixture(t)
	if body := f.post("/quitquitquit"); strings.TrimSpace(body) != "OK" {
		t.Fatalf("body %q, want OK", body)
	}
	eventually(t, "Quit to be called", func() bool { return len(f.quits) == 1 })
	if body := f.post("/quitquitquit"); strings.TrimSpace(body) != "OK" {
		t.Fatalf("second call: body %q, want OK", body)
	}
	eventually(t, "Quit to be called once per request", func() bool { return len(f.quits) == 2 })

	g := f.withAdmin(func(o *Options) { o.Quit = nil })
	if body := g.post("/quitquitquit"); strings.TrimSpace(body) != "OK" {
		t.Fatalf("without Quit: body %q, want OK", body)
	}
}
