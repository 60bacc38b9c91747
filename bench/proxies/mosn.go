package proxies

import (
	"encoding/json"
	"fmt"
	"path/filepath"
)

// MOSN runs `mosn start -c mosn.json` with one processor and GOMAXPROCS=1:
// its tcp_proxy network filter for TCP, its proxy filter (Http1 both
// ways) with one route for HTTP, its proxy filter (dubbo both ways) with
// one route for Dubbo.
type MOSN struct {
	bin, version string
	proto        Protocol
}

func newMOSN(bin string, proto Protocol) (Proxy, error) {
	path, err := executable("mosn", bin, "MOSN_BIN not set")
	if err != nil {
		return nil, err
	}
	return MOSN{bin: path, version: versionLine(path, "version"), proto: proto}, nil
}

func (MOSN) Name() string      { return "mosn" }
func (m MOSN) Version() string { return m.version }
func (m MOSN) Setup() string {
	if m.proto == Dubbo {
		return "GOMAXPROCS=1, processor 1, proxy filter dubbo to dubbo, one virtual host *, one route on header service = " +
			"the benchmark's interface to the backend cluster, log level ERROR, no access log"
	}
	if m.proto == HTTP {
		return "GOMAXPROCS=1, processor 1, proxy filter Http1 to Http1, one virtual host *, route prefix / to the backend cluster, log level ERROR, no access log"
	}
	return "GOMAXPROCS=1, processor 1, tcp_proxy, log level ERROR, no access log"
}

// mosnTCPFilter and mosnHTTPFilter are the listener's one network filter.
const (
	mosnTCPFilter  = `{"type": "tcp_proxy", "config": {"cluster": "backend", "routes": [{"cluster": "backend"}]}}`
	mosnHTTPFilter = `{"type": "proxy", "config": {"downstream_protocol": "Http1", "upstream_protocol": "Http1", "router_config_name": "backend"}}`
	mosnRouters    = `
    "routers": [{
      "router_config_name": "backend",
      "virtual_hosts": [{"name": "all", "domains": ["*"], "routers": [{"match": {"prefix": "/"}, "route": {"cluster_name": "backend"}}]}]
    }],`
)

// mosnConfig is MOSN's JSON config for one listener.
func mosnConfig(dir string, p Ports, proto Protocol) string {
	logPath, _ := json.Marshal(filepath.Join(dir, "mosn.log"))
	name, filter, routers := "echo", mosnTCPFilter, ""
	if proto == HTTP {
		name, filter, routers = "http", mosnHTTPFilter, mosnRouters
	}
	if proto == Dubbo {
		name, filter, routers = "dubbo", mosnDubboFilter, mosnDubboRouters
	}
	return fmt.Sprintf(`{
  "servers": [{
    "default_log_path": %s,
    "default_log_level": "ERROR",
    "processor": 1,%s
    "listeners": [{
      "name": %q,
      "address": "127.0.0.1:%d",
      "bind_port": true,
      "filter_chains": [{
        "filters": [%s]
      }]
    }]
  }],
  "cluster_manager": {
    "clusters": [{
      "name": "backend",
      "type": "SIMPLE",
      "lb_type": "LB_RANDOM",
      "hosts": [{"address": "127.0.0.1:%d"}]
    }]
  }
}
`, logPath, routers, name, p.Listen, filter, p.Backend)
}

func (m MOSN) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "mosn.json", mosnConfig(dir, p, m.proto))
	if err != nil {
		return Instance{}, err
	}
	return Instance{Path: m.bin, Args: []string{"start", "-c", path}, Env: []string{"GOMAXPROCS=1"}}, nil
}
