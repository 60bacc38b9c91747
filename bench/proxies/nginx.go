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

// Nginx runs nginx's stream (TCP) proxy with one worker. master_process
// is off so that the one process measured is the one that serves.
type Nginx struct {
	bin, version string
	// module is the ngx_stream_module.so to load, or "" when the stream
	// module is built in.
	module string
}

func newNginx(bin string) (Proxy, error) {
	path, err := executable("nginx", bin, "no nginx path given")
	if err != nil {
		return nil, err
	}
	n := Nginx{bin: path, version: versionLine(path, "-v")}
	build := versionOutput(path, "-V")
	if !strings.Contains(build, "--with-stream ") && !strings.HasSuffix(build, "--with-stream") {
		if n.module = streamModule(build); n.module == "" {
			return nil, fmt.Errorf("nginx: skipped (stream module not installed; on Debian: apt-get install libnginx-mod-stream)")
		}
	}
	if err := n.check(); err != nil {
		return nil, fmt.Errorf("nginx: skipped (stream config rejected: %v)", err)
	}
	return n, nil
}

// streamModule finds ngx_stream_module.so in nginx's modules path.
func streamModule(build string) string {
	dirs := []string{"/usr/lib/nginx/modules", "/usr/share/nginx/modules", "/etc/nginx/modules"}
	for _, f := range strings.Fields(build) {
		if dir, ok := strings.CutPrefix(f, "--modules-path="); ok {
			dirs = append([]string{dir}, dirs...)
		}
	}
	for _, dir := range dirs {
		path := filepath.Join(dir, "ngx_stream_module.so")
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	return ""
}

// check runs `nginx -t` on a generated config.
func (n Nginx) check() error {
	dir, err := os.MkdirTemp("", "skiffbench-nginx-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	inst, err := n.Configure(dir, Ports{Listen: 1, Backend: 2})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	args := append(append([]string{}, inst.Args...), "-t", "-q")
	if out, err := exec.CommandContext(ctx, inst.Path, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (Nginx) Name() string      { return "nginx" }
func (n Nginx) Version() string { return n.version }
func (Nginx) Setup() string {
	return "stream proxy_pass, worker_processes 1, master_process off, no access log"
}

// nginxConfig is a stream server forwarding to the backend. Paths are
// under dir so nothing outside it is written.
func nginxConfig(dir, module string, p Ports) string {
	load := ""
	if module != "" {
		load = fmt.Sprintf("load_module %s;\n", module)
	}
	return fmt.Sprintf(`%sdaemon off;
master_process off;
worker_processes 1;
pid %s;
error_log %s warn;

events {
    worker_connections 4096;
}

stream {
    server {
        listen 127.0.0.1:%d;
        proxy_pass 127.0.0.1:%d;
    }
}
`, load, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"), p.Listen, p.Backend)
}

func (n Nginx) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "nginx.conf", nginxConfig(dir, n.module, p))
	if err != nil {
		return Instance{}, err
	}
	args := []string{"-p", dir, "-c", path, "-e", filepath.Join(dir, "error.log")}
	return Instance{Path: n.bin, Args: args}, nil
}
