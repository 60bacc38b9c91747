package admin

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/skiffmesh/skiff/proxy/server"
)

type runtimeEntry struct {
	LayerValues []string `json:"layer_values"`
	FinalValue  string   `json:"final_value"`
}

func (f *fixture) runtimeEntries() map[string]runtimeEntry {
	f.t.Helper()
	var doc struct {
		Layers  []string                `json:"layers"`
		Entries map[string]runtimeEntry `json:"entries"`
	}
	if err := json.Unmarshal([]byte(f.get("/runtime")), &doc); err != nil {
		f.t.Fatal(err)
	}
	if !slices.Equal(doc.Layers, []string{"static_layer", "admin"}) {
		f.t.Fatalf("layers %q", doc.Layers)
	}
	return doc.Entries
}

// hostStatsOn reports whether the backend host has its counters, failing
// the test if the answer is not the same for every host.
func (f *fixture) hostStatsOn() bool {
	f.t.Helper()
	hosts := f.srv.Clusters().Get(clusterName).Hosts()
	if len(hosts) != 1 {
		f.t.Fatalf("%d hosts, want 1", len(hosts))
	}
	return hosts[0].Stats() != nil
}

func TestRuntime(t *testing.T) {
	f := startFixture(t)
	entries := f.runtimeEntries()
	want := map[string]runtimeEntry{
		"custom.key":        {[]string{"7", ""}, "7"},
		server.HostStatsKey: {[]string{"true", ""}, "true"},
	}
	for k, w := range want {
		if e := entries[k]; !slices.Equal(e.LayerValues, w.LayerValues) || e.FinalValue != w.FinalValue {
			t.Errorf("entry %s = %+v, want %+v", k, e, w)
		}
	}
	if !f.hostStatsOn() {
		t.Fatal("host stats off at start")
	}
}

func TestRuntimeModify(t *testing.T) {
	f := startFixture(t)
	cxTotalLine := clusterName + "::" + f.backend + "::cx_total::0"
	steps := []struct {
		name      string
		query     string
		code      int
		body      string // substring of the answer
		hostStats bool
		entries   map[string]runtimeEntry // expected entries afterwards
		absent    []string                // keys with no entry afterwards
	}{
		{
			name: "host stats off", query: "?skiff.stats.host_level=false", code: http.StatusOK, body: "OK",
			hostStats: false,
			entries:   map[string]runtimeEntry{server.HostStatsKey: {[]string{"true", "false"}, "false"}},
		},
		{
			name: "bad value", query: "?skiff.stats.host_level=maybe", code: http.StatusBadRequest, body: "not a boolean",
			hostStats: false,
			entries:   map[string]runtimeEntry{server.HostStatsKey: {[]string{"true", "false"}, "false"}},
		},
		{
			name: "no keys", query: "", code: http.StatusBadRequest, body: "usage",
			hostStats: false,
		},
		{
			name: "a bad value among good ones", query: "?custom.other=1&skiff.stats.host_level=nope&custom.key=8",
			code: http.StatusBadRequest, body: "not a boolean",
			hostStats: false,
			entries:   map[string]runtimeEntry{"custom.key": {[]string{"7", ""}, "7"}},
			absent:    []string{"custom.other"},
		},
		{
			name: "other keys are stored", query: "?custom.other=1&custom.key=8", code: http.StatusOK, body: "OK",
			hostStats: false,
			entries: map[string]runtimeEntry{
				"custom.other": {[]string{"", "1"}, "1"},
				"custom.key":   {[]string{"7", "8"}, "8"},
			},
		},
		{
			name: "empty value removes the override", query: "?skiff.stats.host_level=", code: http.StatusOK, body: "OK",
			hostStats: true,
			entries:   map[string]runtimeEntry{server.HostStatsKey: {[]string{"true", ""}, "true"}},
		},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, body := f.do(http.MethodPost, "/runtime_modify"+s.query)
			if code != s.code || !strings.Contains(body, s.body) {
				t.Fatalf("POST /runtime_modify%s = %d %q, want %d containing %q", s.query, code, body, s.code, s.body)
			}
			if got := f.hostStatsOn(); got != s.hostStats {
				t.Fatalf("host stats on = %v, want %v", got, s.hostStats)
			}
			if got := slices.Contains(lines(f.get("/clusters")), cxTotalLine); got != s.hostStats {
				t.Fatalf("/clusters shows host counters = %v, want %v", got, s.hostStats)
			}
			entries := f.runtimeEntries()
			for k, w := range s.entries {
				if e := entries[k]; !slices.Equal(e.LayerValues, w.LayerValues) || e.FinalValue != w.FinalValue {
					t.Errorf("entry %s = %+v, want %+v", k, e, w)
				}
			}
			for _, k := range s.absent {
				if e, ok := entries[k]; ok {
					t.Errorf("entry %s = %+v, want none", k, e)
				}
			}
		})
	}
}
