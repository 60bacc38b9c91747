// Package proxies configures and describes the proxies the benchmark
// compares: Skiff, Envoy, haproxy, nginx and MOSN, each with one worker,
// as a TCP proxy (to the echo backend), as an HTTP/1.1 reverse proxy
// with upstream keep-alive (to the HTTP backend) or as a Dubbo proxy (to
// the Dubbo backend), from one loopback port.
package proxies

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Protocol is what a proxy is configured to forward.
type Protocol string

const (
	// TCP forwards a byte stream (tcp_proxy, haproxy mode tcp, nginx stream).
	TCP Protocol = "tcp"
	// HTTP parses and routes HTTP/1.1 requests, keeping upstream
	// connections alive and reusing them.
	HTTP Protocol = "http"
	// Dubbo parses and routes Dubbo requests (Skiff and Envoy dubbo_proxy,
	// MOSN's dubbo protocol); haproxy forwards them as a byte stream (the
	// L4 floor); nginx is not used.
	Dubbo Protocol = "dubbo"
)

// Ports are the loopback ports of one proxy instance.
type Ports struct {
	// Listen is where the proxy accepts, Backend where it connects, Admin
	// its admin/readiness port if it has one.
	Listen, Admin, Backend int
}

// Instance is how to start one configured proxy.
type Instance struct {
	Path string
	Args []string
	// Env is added to the environment (e.g. GOMAXPROCS=1).
	Env []string
	// ReadyURL, if set, answers 200 once the proxy is ready; otherwise the
	// proxy is ready when its listen port accepts a connection.
	ReadyURL string
}

// Proxy is one proxy under test. Implementations are immutable.
type Proxy interface {
	// Name is the column title in the report.
	Name() string
	// Version is the proxy's version line, or "" if unknown.
	Version() string
	// Setup says how the proxy is limited to one worker and what is on or
	// off, for the report.
	Setup() string
	// Configure writes the proxy's config for p into dir (which it owns)
	// and returns how to start it.
	Configure(dir string, p Ports) (Instance, error)
}

// Options name the proxy binaries to look for; an empty path means the
// proxy was not requested.
type Options struct {
	Skiff, HAProxy, Nginx, Envoy, MOSN string
}

// Detect returns the requested proxies that are installed and usable for
// proto, configured for it, in a fixed order, and one line for each one
// it skips saying why.
func Detect(o Options, proto Protocol) (found []Proxy, skipped []string) {
	add := func(p Proxy, err error) {
		if err != nil {
			skipped = append(skipped, err.Error())
			return
		}
		found = append(found, p)
	}
	add(newSkiff(o.Skiff, proto))
	add(newHAProxy(o.HAProxy, proto))
	add(newNginx(o.Nginx, proto))
	add(newEnvoy(o.Envoy, proto))
	add(newMOSN(o.MOSN, proto))
	return found, skipped
}

// executable resolves bin to an absolute path of an executable file.
func executable(name, bin, unset string) (string, error) {
	if bin == "" {
		return "", fmt.Errorf("%s: skipped (%s)", name, unset)
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return "", fmt.Errorf("%s: skipped (%s not found)", name, bin)
	}
	return filepath.Abs(path)
}

// versionLine runs bin args and returns the first line of its output.
func versionLine(bin string, args ...string) string {
	line, _, _ := strings.Cut(versionOutput(bin, args...), "\n")
	return strings.TrimSpace(line)
}

// versionOutput is the whole combined output of bin args, trimmed.
func versionOutput(bin string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	return strings.TrimSpace(string(out))
}

// checkConfig writes p's config into a temporary directory and runs p's
// binary with the arguments configArg derives from the instance: the
// proxy's own config check (nginx -t, skiff validate). It returns the
// check's output when the config is rejected.
func checkConfig(p Proxy, configArg func(Instance) []string) error {
	dir, err := os.MkdirTemp("", "skiffbench-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	inst, err := p.Configure(dir, Ports{Listen: 1, Admin: 2, Backend: 3})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, inst.Path, configArg(inst)...).CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// writeFile writes a config file into dir and returns its path.
func writeFile(dir, name, content string) (string, error) {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return "", fmt.Errorf("proxies: write %s: %w", name, err)
	}
	return path, nil
}

var (
	_ Proxy = Skiff{}
	_ Proxy = Envoy{}
	_ Proxy = HAProxy{}
	_ Proxy = Nginx{}
	_ Proxy = MOSN{}
)
