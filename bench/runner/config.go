// Package runner orchestrates the benchmark scenarios (TCP echo, HTTP/1.1
// keep-alive, Dubbo): for each it starts the backend, each proxy and the load
// generator as separate pinned processes, interleaves repetitions, and
// reports medians with ranges in the scenario's own report section.
package runner

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/skiffmesh/skiff/bench/proxies"
)

// Config is one benchmark run. Validate before use.
type Config struct {
	// Self is the skiffbench binary; the backend and the load generator
	// are started as `Self echo-server` and `Self load`.
	Self string
	// Proxies name the proxy binaries to compare against a direct connection.
	Proxies proxies.Options
	// Scenarios to run, in this order: ScenarioTCPEcho, ScenarioHTTP,
	// ScenarioDubbo.
	Scenarios []string
	// Report is the markdown file whose scenario sections are replaced; ""
	// prints only.
	Report string
	// Command is the command line quoted in the report.
	Command string

	// Reps is the number of interleaved repetitions.
	Reps int
	// Warmup precedes every measured window.
	Warmup time.Duration
	// Duration, Rate and Conns shape the open-loop latency run.
	Duration time.Duration
	Rate     float64
	Conns    int
	// ThroughputDuration and ThroughputConns shape the closed-loop run.
	ThroughputDuration time.Duration
	ThroughputConns    int
	// Size is the TCP echo message size in bytes.
	Size int
	// HTTPSizes are the HTTP scenario's response body sizes in bytes; each
	// is measured with its own proxy instances and has its own table.
	HTTPSizes []int
	// Dubbo shapes the Dubbo scenario (its rates, connections, window).
	Dubbo DubboConfig
	// Spin is the load generator's busy-poll window before each send.
	Spin time.Duration

	// ClientCPU runs the load generator, BackendCPU the echo backend; the
	// proxy runs on one or the other depending on the placement.
	ClientCPU, BackendCPU int
	// Placements to run, by name: "same-core", "cross-core".
	Placements []string
	// MaxOthers discards a run in which other processes took more than
	// this share (0..1) of the proxy's core (of either core for direct).
	MaxOthers float64
	// AutogroupNice, if not zero, is written to /proc/self/autogroup
	// before anything starts, to weight this session against others.
	AutogroupNice int
	// Keep leaves the work directory (configs, logs) in place.
	Keep bool

	// Out receives progress and the final table.
	Out io.Writer
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Self == "":
		return errors.New("runner: Self is empty")
	case c.Reps < 1:
		return fmt.Errorf("runner: reps %d: want >= 1", c.Reps)
	case c.Duration <= 0 || c.ThroughputDuration <= 0 || c.Warmup < 0:
		return errors.New("runner: durations must be positive")
	case c.Rate <= 0 || c.Conns < 1 || c.ThroughputConns < 1 || c.Size < 1:
		return errors.New("runner: rate, conns, throughput conns and size must be positive")
	case c.ClientCPU == c.BackendCPU || c.ClientCPU < 0 || c.BackendCPU < 0:
		return fmt.Errorf("runner: client cpu %d and backend cpu %d must be two different CPUs", c.ClientCPU, c.BackendCPU)
	case c.Out == nil:
		return errors.New("runner: Out is nil")
	}
	if _, err := c.scenarios(); err != nil {
		return err
	}
	_, err := c.placements()
	return err
}

// Placement is where the proxy runs relative to the load generator.
type Placement struct {
	// Name is "same-core" (proxy on the load generator's CPU) or
	// "cross-core" (proxy on the backend's CPU).
	Name     string
	ProxyCPU int
}

func (c Config) placements() ([]Placement, error) {
	if len(c.Placements) == 0 {
		return nil, errors.New("runner: no placements")
	}
	out := make([]Placement, 0, len(c.Placements))
	for _, name := range c.Placements {
		switch name {
		case "same-core":
			out = append(out, Placement{name, c.ClientCPU})
		case "cross-core":
			out = append(out, Placement{name, c.BackendCPU})
		default:
			return nil, fmt.Errorf("runner: placement %q: want same-core or cross-core", name)
		}
	}
	return out, nil
}
