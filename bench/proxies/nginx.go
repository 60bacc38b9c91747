package proxies

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Nginx runs nginx with one worker: the stream (TCP) proxy, or the HTTP
// reverse proxy with upstream keep-alive. master_process is off so that
// the one process measured is the one that serves.
type Nginx struct {
	bin, version string
	// module is the ngx_stream_module.so to load, or "" when the stream
	// module is built in or not needed (HTTP).
	module string
	proto  Protocol
}

func newNginx(bin string, proto Protocol) (Proxy, error) {
	if proto == Dubbo {
		return nil, errors.New(nginxDubboSkip)
	}
	path, err := executable("nginx", bin, "no nginx path given")
	if err != nil {
		return nil, err
	}
	n := Nginx{bin: path, version: versionLine(path, "-v"), proto: proto}
	build := versionOutput(path, "-V")
	if proto == TCP && !strings.Contains(build, "--with-stream ") && !strings.HasSuffix(build, "--with-stream") {
		if n.module = streamModule(build); n.module == "" {
			return nil, fmt.Errorf("nginx: skipped (stream module not installed; on Debian: apt-get install libnginx-mod-stream)")
		}
	}
	if err := checkConfig(n, func(in Instance) []string { return append(append([]string{}, in.Args...), "-t", "-q") }); err != nil {
		return nil, fmt.Errorf("nginx: skipped (%s config rejected: %v)", n.kind(), err)
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

func (n Nginx) kind() string {
	if n.proto == HTTP {
		return "http"
	}
	return "stream"
}

func (Nginx) Name() string      { return "nginx" }
func (n Nginx) Version() string { return n.version }
func (n Nginx) Setup() string {
	if n.proto == HTTP {
		return "proxy_pass to an upstream with keepalive 64, proxy_http_version 1.1, proxy_set_header Connection \"\", " +
			"keepalive_requests 1000000 on both sides, worker_processes 1, master_process off, no access log"
	}
	return "stream proxy_pass, worker_processes 1, master_process off, no access log"
}

// nginxConfig is a server forwarding to the backend. Paths are under dir
// so nothing outside it is written.
func nginxConfig(dir, module string, p Ports, proto Protocol) string {
	load := ""
	if module != "" {
		load = fmt.Sprintf("load_module %s;\n", module)
	}
	body := fmt.Sprintf(nginxStream, p.Listen, p.Backend)
	if proto == HTTP {
		body = fmt.Sprintf(nginxHTTP, p.Backend, p.Listen)
		body = strings.ReplaceAll(body, "DIR", dir)
	}
	return fmt.Sprintf(`%sdaemon off;
master_process off;
worker_processes 1;
pid %s;
error_log %s warn;

events {
    worker_connections 4096;
}

%s`, load, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"), body)
}

const nginxStream = `stream {
    server {
        listen 127.0.0.1:%d;
        proxy_pass 127.0.0.1:%d;
    }
}
`

// nginxHTTP keeps both sides alive far beyond a run: keepalive_requests
// defaults to 1,000, after which nginx closes a connection.
const nginxHTTP = `http {
    access_log off;
    client_body_temp_path DIR/client_body;
    proxy_temp_path DIR/proxy;
    fastcgi_temp_path DIR/fastcgi;
    uwsgi_temp_path DIR/uwsgi;
    scgi_temp_path DIR/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;

    upstream backend {
        server 127.0.0.1:%d;
        keepalive 64;
        keepalive_requests 1000000;
        keepalive_timeout 300s;
    }

    server {
        listen 127.0.0.1:%d;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`

func (n Nginx) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "nginx.conf", nginxConfig(dir, n.module, p, n.proto))
	if err != nil {
		return Instance{}, err
	}
	args := []string{"-p", dir, "-c", path, "-e", filepath.Join(dir, "error.log")}
	return Instance{Path: n.bin, Args: args}, nil
}
