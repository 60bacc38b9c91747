package proxies

import "fmt"

// Envoy runs the same bootstrap file as Skiff with --concurrency 1.
type Envoy struct {
	bin, version string
	proto        Protocol
}

// newEnvoy finds the binary and, for Dubbo, has `envoy --mode validate`
// accept the bootstrap: dubbo_proxy is a contrib extension, missing from
// Envoy's standard build.
func newEnvoy(bin string, proto Protocol) (Proxy, error) {
	path, err := executable("envoy", bin, "ENVOY_BIN not set")
	if err != nil {
		return nil, err
	}
	e := Envoy{bin: path, version: versionLine(path, "--version"), proto: proto}
	if proto == Dubbo {
		if err := checkConfig(e, func(in Instance) []string { return []string{"--mode", "validate", "-c", in.Args[1]} }); err != nil {
			return nil, fmt.Errorf("envoy: skipped (Dubbo bootstrap rejected by envoy --mode validate, which needs a contrib build: %v)", err)
		}
	}
	return e, nil
}

func (Envoy) Name() string      { return "envoy" }
func (e Envoy) Version() string { return e.version }
func (e Envoy) Setup() string {
	if e.proto == Dubbo {
		return "--concurrency 1, --disable-hot-restart, -l error; the same bootstrap file as Skiff (dubbo_proxy, a contrib extension), no access log"
	}
	return "--concurrency 1, --disable-hot-restart, -l error; the same bootstrap file as Skiff, no access log"
}

func (e Envoy) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "bootstrap.yaml", Bootstrap(p, e.proto))
	if err != nil {
		return Instance{}, err
	}
	return Instance{
		Path:     e.bin,
		Args:     []string{"-c", path, "--concurrency", "1", "--disable-hot-restart", "-l", "error"},
		ReadyURL: readyURL(p),
	}, nil
}
