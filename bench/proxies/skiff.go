package proxies

// Skiff runs `skiff proxy -c bootstrap.yaml --concurrency 1` with GOMAXPROCS=1.
type Skiff struct{ bin, version string }

func newSkiff(bin string) (Proxy, error) {
	path, err := executable("skiff", bin, "no -skiff binary given")
	if err != nil {
		return nil, err
	}
	return Skiff{bin: path, version: versionLine(path, "version")}, nil
}

func (Skiff) Name() string      { return "skiff" }
func (s Skiff) Version() string { return s.version }
func (Skiff) Setup() string {
	return "GOMAXPROCS=1, --concurrency 1; Envoy v3 bootstrap, tcp_proxy, no access log; admin listener idle"
}

func (s Skiff) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "bootstrap.yaml", Bootstrap(p))
	if err != nil {
		return Instance{}, err
	}
	return Instance{
		Path:     s.bin,
		Args:     []string{"proxy", "-c", path, "--concurrency", "1"},
		Env:      []string{"GOMAXPROCS=1"},
		ReadyURL: readyURL(p),
	}, nil
}
