package proxies

// Skiff runs `skiff proxy -c bootstrap.yaml --concurrency 1`: one event loop.
// Skiff gives the Go runtime one P more than it has loops (for its accept,
// admin and control goroutines), so GOMAXPROCS is left to it; the process is
// pinned to one CPU like every other proxy.
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
	return "--concurrency 1 (one event loop; Skiff sets GOMAXPROCS=2); Envoy v3 bootstrap, tcp_proxy, no access log; admin listener idle"
}

func (s Skiff) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "bootstrap.yaml", Bootstrap(p))
	if err != nil {
		return Instance{}, err
	}
	return Instance{
		Path:     s.bin,
		Args:     []string{"proxy", "-c", path, "--concurrency", "1"},
		ReadyURL: readyURL(p),
	}, nil
}
