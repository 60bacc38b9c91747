package proxies

import (
	"encoding/json"
	"fmt"
	"path/filepath"
)

// MOSN runs `mosn start -c mosn.json` with its tcp_proxy network filter,
// one processor and GOMAXPROCS=1.
type MOSN struct{ bin, version string }

func newMOSN(bin string) (Proxy, error) {
	path, err := executable("mosn", bin, "MOSN_BIN not set")
	if err != nil {
		return nil, err
	}
	return MOSN{bin: path, version: versionLine(path, "version")}, nil
}

func (MOSN) Name() string      { return "mosn" }
func (m MOSN) Version() string { return m.version }
func (MOSN) Setup() string {
	return "GOMAXPROCS=1, processor 1, tcp_proxy, log level ERROR, no access log"
}

// mosnConfig is MOSN's JSON config for one tcp_proxy listener.
func mosnConfig(dir string, p Ports) string {
	logPath, _ := json.Marshal(filepath.Join(dir, "mosn.log"))
	return fmt.Sprintf(`{
  "servers": [{
    "default_log_path": %s,
    "default_log_level": "ERROR",
    "processor": 1,
    "listeners": [{
      "name": "echo",
      "address": "127.0.0.1:%d",
      "bind_port": true,
      "filter_chains": [{
        "filters": [{
          "type": "tcp_proxy",
          "config": {"cluster": "backend", "routes": [{"cluster": "backend"}]}
        }]
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
`, logPath, p.Listen, p.Backend)
}

func (m MOSN) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "mosn.json", mosnConfig(dir, p))
	if err != nil {
		return Instance{}, err
	}
	return Instance{Path: m.bin, Args: []string{"start", "-c", path}, Env: []string{"GOMAXPROCS=1"}}, nil
}
