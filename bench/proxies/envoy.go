package proxies

// Envoy runs the same bootstrap file as Skiff with --concurrency 1.
type Envoy struct {
	bin, version string
	proto        Protocol
}

func newEnvoy(bin string, proto Protocol) (Proxy, error) {
	path, err := executable("envoy", bin, "ENVOY_BIN not set")
	if err != nil {
		return nil, err
	}
	return Envoy{bin: path, version: versionLine(path, "--version"), proto: proto}, nil
}

func (Envoy) Name() string      { return "envoy" }
func (e Envoy) Version() string { return e.version }
func (Envoy) Setup() string {
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
