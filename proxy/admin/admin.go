// Package admin serves Envoy's admin API for a Skiff server: readiness,
// server info, stats (text, JSON, Prometheus), config dump, clusters,
// listeners, health-check failing, runtime keys, logging level and quit.
//
// Mutating endpoints require POST, as in Envoy.
package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/skiffmesh/skiff/proxy/server"
)

// Options configure the admin server.
type Options struct {
	Server *server.Server
	// LogLevel is the process's level, changed by /logging; may be nil.
	LogLevel *slog.LevelVar
	// Quit is called (once per request) by /quitquitquit; may be nil.
	Quit func()
	// CommandLine is shown by /server_info as command_line_options.
	CommandLine map[string]any
	Logger      *slog.Logger
}

// Admin is a running admin HTTP server.
type Admin struct {
	opts Options
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// Start listens on addr and serves the admin API.
func Start(addr string, opts Options) (*Admin, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	a := &Admin{opts: opts, ln: ln, done: make(chan struct{})}
	a.srv = &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(a.done)
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			opts.Logger.Error("admin server stopped", "err", err)
		}
	}()
	return a, nil
}

// Addr is the address the admin server listens on.
func (a *Admin) Addr() net.Addr { return a.ln.Addr() }

// Close stops the admin server.
func (a *Admin) Close(ctx context.Context) error {
	err := a.srv.Shutdown(ctx)
	<-a.done
	return err
}

// Handler returns the admin API's routes.
func (a *Admin) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.help)
	mux.HandleFunc("GET /ready", a.ready)
	mux.HandleFunc("GET /server_info", a.serverInfo)
	mux.HandleFunc("GET /stats", a.statsText)
	mux.HandleFunc("GET /stats/prometheus", a.statsPrometheus)
	mux.HandleFunc("GET /config_dump", a.configDump)
	mux.HandleFunc("GET /clusters", a.clusters)
	mux.HandleFunc("GET /listeners", a.listeners)
	mux.HandleFunc("GET /runtime", a.runtime)
	mux.HandleFunc("GET /logging", a.logging)
	mux.HandleFunc("GET /memory", a.memory)
	for path, h := range map[string]http.HandlerFunc{
		"/healthcheck/fail": a.healthFail,
		"/healthcheck/ok":   a.healthOK,
		"/quitquitquit":     a.quit,
		"/logging":          a.setLogging,
		"/runtime_modify":   a.runtimeModify,
		"/drain_listeners":  a.drainListeners,
	} {
		mux.HandleFunc("POST "+path, h)
		if path != "/logging" {
			mux.HandleFunc("GET "+path, postOnly)
		}
	}
	return mux
}

func postOnly(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", "POST")
	http.Error(w, "This endpoint requires POST", http.StatusMethodNotAllowed)
}

var endpoints = [][2]string{
	{"/ready", "print server state, return 200 if LIVE, otherwise return 503"},
	{"/server_info", "print server version/status information"},
	{"/stats", "print server stats (?filter=REGEX, ?format=json, ?usedonly)"},
	{"/stats/prometheus", "print server stats in prometheus format (?usedonly)"},
	{"/config_dump", "dump current Envoy configs"},
	{"/clusters", "upstream cluster status (?format=json)"},
	{"/listeners", "print listener info (?format=json)"},
	{"/memory", "print current allocation/heap usage (?gc to collect garbage first)"},
	{"/runtime", "print runtime values"},
	{"/runtime_modify", "POST: modify runtime values (?key=value)"},
	{"/logging", "POST: change the log level (?level=debug|info|warn|error)"},
	{"/healthcheck/fail", "POST: cause the server to fail health checks"},
	{"/healthcheck/ok", "POST: cause the server to pass health checks"},
	{"/drain_listeners", "POST: stop accepting on every listener"},
	{"/quitquitquit", "POST: drain and exit the server"},
}

func (a *Admin) help(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	fmt.Fprintln(w, "admin commands are:")
	for _, e := range endpoints {
		fmt.Fprintf(w, "  %s: %s\n", e[0], e[1])
	}
}
