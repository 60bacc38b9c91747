package runner

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/skiffmesh/skiff/bench/proc"
)

// environment is what the report says about the machine and the run.
type environment struct {
	started   time.Time
	machine   string
	loadAvg   [3]float64
	autogroup string
	skipped   []string
	failed    []string
}

// inspect checks the machine can run cfg and describes it.
func inspect(cfg Config) (environment, error) {
	env := environment{started: time.Now().UTC()}
	if _, err := exec.LookPath("taskset"); err != nil {
		return env, fmt.Errorf("runner: taskset not found (util-linux): %w", err)
	}
	if n := runtime.NumCPU(); cfg.ClientCPU >= n || cfg.BackendCPU >= n {
		return env, fmt.Errorf("runner: cpus %d and %d requested, machine has %d", cfg.ClientCPU, cfg.BackendCPU, n)
	}
	var err error
	if env.loadAvg, err = proc.ReadLoadAvg(); err != nil {
		return env, err
	}
	if env.autogroup, err = setAutogroup(cfg.AutogroupNice); err != nil {
		return env, err
	}
	env.machine = fmt.Sprintf("%s, %d CPUs, %s RAM, Linux %s, %s", cpuModel(), runtime.NumCPU(), memTotal(), kernel(), runtime.Version())
	return env, nil
}

// setAutogroup writes nice to /proc/self/autogroup (0 leaves it alone).
func setAutogroup(nice int) (string, error) {
	if nice == 0 {
		return "autogroup weight unchanged", nil
	}
	if err := os.WriteFile("/proc/self/autogroup", []byte(strconv.Itoa(nice)), 0); err != nil {
		return "", fmt.Errorf("runner: set autogroup nice %d: %w", nice, err)
	}
	return fmt.Sprintf("autogroup nice %d", nice), nil
}

func cpuModel() string {
	return procField("/proc/cpuinfo", "model name", "unknown CPU")
}

func memTotal() string {
	v := procField("/proc/meminfo", "MemTotal", "")
	kb, err := strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", kb/(1<<20))
}

func kernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key, fallback string) string {
	f, err := os.Open(path)
	if err != nil {
		return fallback
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return fallback
}
