package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// proxyFlags are Envoy's common command-line options that make sense for
// Skiff, with Envoy's spellings (single or double dash both work).
type proxyFlags struct {
	configPath     string
	concurrency    int
	drainTime      time.Duration
	parentShutdown time.Duration
	logLevel       string
	logFormat      string
	serviceNode    string
	serviceCluster string
	adminAddress   string
	mark           uint
}

func parseProxyFlags(name string, args []string, stderr io.Writer) (*proxyFlags, error) {
	f := &proxyFlags{}
	fs := flag.NewFlagSet("skiff "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.configPath, "c", "", "path to the Envoy v3 bootstrap (YAML or JSON)")
	fs.StringVar(&f.configPath, "config-path", "", "same as -c")
	fs.IntVar(&f.concurrency, "concurrency", 0, "number of event loops (0 = number of CPUs)")
	drain := fs.Int("drain-time-s", 600, "seconds to let connections finish on shutdown")
	parent := fs.Int("parent-shutdown-time-s", 900, "accepted for Envoy compatibility (hot restart)")
	fs.StringVar(&f.logLevel, "l", "info", "log level: debug, info, warn, error")
	fs.StringVar(&f.logLevel, "log-level", "info", "same as -l")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.serviceNode, "service-node", "", "node id (overrides node.id)")
	fs.StringVar(&f.serviceCluster, "service-cluster", "", "node cluster (overrides node.cluster)")
	fs.StringVar(&f.adminAddress, "admin-address", "", "admin address host:port (overrides admin.address)")
	fs.UintVar(&f.mark, "socket-mark", 0, "SO_MARK for upstream sockets (interception bypass mark, e.g. 0x800)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if f.configPath == "" {
		return nil, fmt.Errorf("a bootstrap is required: -c FILE")
	}
	f.drainTime = time.Duration(*drain) * time.Second
	f.parentShutdown = time.Duration(*parent) * time.Second
	return f, nil
}

// newLogger makes the process logger and its adjustable level.
func newLogger(f *proxyFlags, w io.Writer) (*slog.Logger, *slog.LevelVar, error) {
	lv := new(slog.LevelVar)
	if err := lv.UnmarshalText([]byte(f.logLevel)); err != nil {
		return nil, nil, fmt.Errorf("-l %q: use debug, info, warn or error", f.logLevel)
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	switch f.logFormat {
	case "text":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, nil, fmt.Errorf("--log-format %q: use text or json", f.logFormat)
	}
	return slog.New(h), lv, nil
}
