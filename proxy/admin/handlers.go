package admin

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/skiffmesh/skiff/proxy/server"
)

func (a *Admin) ready(w http.ResponseWriter, _ *http.Request) {
	st := a.opts.Server.State()
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	if st != server.Live {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	fmt.Fprintln(w, st)
}

func (a *Admin) serverInfo(w http.ResponseWriter, _ *http.Request) {
	s := a.opts.Server
	up := fmt.Sprintf("%ds", int64(s.Uptime().Seconds()))
	info := map[string]any{
		"version":              s.Options().Version,
		"state":                s.State().String(),
		"uptime_current_epoch": up,
		"uptime_all_epochs":    up,
		"command_line_options": a.opts.CommandLine,
	}
	if snap := s.Snapshot(); snap != nil && snap.Node != nil {
		info["node"] = json.RawMessage(marshalProto(snap.Node))
	}
	writeJSON(w, info)
}

func (a *Admin) statsText(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var filter *regexp.Regexp
	if f := q.Get("filter"); f != "" {
		re, err := regexp.Compile(f)
		if err != nil {
			http.Error(w, fmt.Sprintf("invalid filter regex: %v", err), http.StatusBadRequest)
			return
		}
		filter = re
	}
	_, used := q["usedonly"]
	store := a.opts.Server.Stats()
	switch q.Get("format") {
	case "json":
		w.Header().Set("Content-Type", "application/json")
		_ = store.WriteJSON(w, filter, used)
	case "prometheus":
		a.statsPrometheus(w, r)
	case "", "text":
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		_ = store.WriteText(w, filter, used)
	default:
		http.Error(w, "unknown format; use json, prometheus or text", http.StatusBadRequest)
	}
}

func (a *Admin) statsPrometheus(w http.ResponseWriter, r *http.Request) {
	_, used := r.URL.Query()["usedonly"]
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=UTF-8")
	_ = a.opts.Server.Stats().WritePrometheus(w, used)
}

func (a *Admin) listeners(w http.ResponseWriter, r *http.Request) {
	addrs := a.opts.Server.ListenerAddrs()
	names := make([]string, 0, len(addrs))
	for n := range addrs {
		names = append(names, n)
	}
	slices.Sort(names)
	if r.URL.Query().Get("format") == "json" {
		type status struct {
			Name         string `json:"name"`
			LocalAddress any    `json:"local_address"`
		}
		out := struct {
			Statuses []status `json:"listener_statuses"`
		}{Statuses: []status{}}
		for _, n := range names {
			out.Statuses = append(out.Statuses, status{Name: n, LocalAddress: socketAddress(addrs[n].String())})
		}
		writeJSON(w, out)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	for _, n := range names {
		fmt.Fprintf(w, "%s::%s\n", n, addrs[n])
	}
}

func (a *Admin) healthFail(w http.ResponseWriter, _ *http.Request) {
	a.opts.Server.SetHealthy(false)
	fmt.Fprintln(w, "OK")
}

func (a *Admin) healthOK(w http.ResponseWriter, _ *http.Request) {
	a.opts.Server.SetHealthy(true)
	fmt.Fprintln(w, "OK")
}

func (a *Admin) drainListeners(w http.ResponseWriter, _ *http.Request) {
	a.opts.Server.StopListening()
	fmt.Fprintln(w, "OK")
}

func (a *Admin) quit(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprintln(w, "OK")
	if a.opts.Quit != nil {
		go a.opts.Quit() // answer first; the caller drains and exits
	}
}

func (a *Admin) logging(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	level := "unknown"
	if a.opts.LogLevel != nil {
		level = strings.ToLower(a.opts.LogLevel.Level().String())
	}
	fmt.Fprintf(w, "active loggers:\n  skiff: %s\n", level)
}

func (a *Admin) setLogging(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("level")
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(name)); err != nil || name == "" {
		http.Error(w, "level must be one of debug, info, warn, error", http.StatusBadRequest)
		return
	}
	if a.opts.LogLevel == nil {
		http.Error(w, "log level is not adjustable", http.StatusNotImplemented)
		return
	}
	a.opts.LogLevel.Set(lvl)
	a.logging(w, r)
}

func (a *Admin) runtime(w http.ResponseWriter, _ *http.Request) {
	static, adminLayer := a.opts.Server.Runtime().Layers()
	type entry struct {
		LayerValues []string `json:"layer_values"`
		FinalValue  string   `json:"final_value"`
	}
	entries := map[string]entry{}
	for k, v := range static {
		entries[k] = entry{LayerValues: []string{v, ""}, FinalValue: v}
	}
	for k, v := range adminLayer {
		e := entries[k]
		if e.LayerValues == nil {
			e.LayerValues = []string{"", ""}
		}
		e.LayerValues[1] = v
		e.FinalValue = v
		entries[k] = e
	}
	writeJSON(w, map[string]any{
		"layers":  []string{"static_layer", "admin"},
		"entries": entries,
	})
}

func (a *Admin) runtimeModify(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(r.Form) == 0 {
		http.Error(w, "usage: /runtime_modify?key1=value1&key2=value2", http.StatusBadRequest)
		return
	}
	rt := a.opts.Server.Runtime()
	_, before := rt.Layers()
	var set []string
	for k, vs := range r.Form {
		if err := rt.Set(k, vs[len(vs)-1]); err != nil {
			// A rejected request changes nothing: undo the keys already set
			// (an empty value removes an override that did not exist).
			for _, k := range set {
				_ = rt.Set(k, before[k])
			}
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		set = append(set, k)
	}
	fmt.Fprintln(w, "OK")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
}
