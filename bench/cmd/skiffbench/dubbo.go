package main

import (
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/skiffmesh/skiff/bench/dubbobackend"
	"github.com/skiffmesh/skiff/bench/runner"
)

// runDubbo serves the Dubbo backend until SIGTERM or SIGINT; it prints
// "listening ADDR" once the listener is up.
func runDubbo(args []string) error {
	fs := flag.NewFlagSet("dubbo-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := dubbobackend.New()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		s.Close()
		return fmt.Errorf("dubbo-server: %w", err)
	}
	return serveUntilSignal(s, ln)
}

// dubboFlags defines the Dubbo scenario's flags on fs; the rates are
// returned unparsed (see parseFloats).
func dubboFlags(fs *flag.FlagSet, d *runner.DubboConfig) *string {
	rates := fs.String("dubbo-rates", "1000,10000", "dubbo: open-loop rates in req/s, comma-separated; each is measured separately")
	fs.IntVar(&d.Conns, "dubbo-conns", 2, "dubbo: connections of both loads (many requests outstanding on each)")
	fs.IntVar(&d.Window, "dubbo-window", 32, "dubbo: requests the closed loop keeps outstanding per connection")
	fs.IntVar(&d.Size, "dubbo-size", 64, "dubbo: length of the request's string argument")
	return rates
}

// parseFloats parses a comma-separated list of numbers.
func parseFloats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}
