package proxies

import "fmt"

// Skiff runs `skiff proxy -c bootstrap.yaml --concurrency 1`: one event loop.
// Skiff gives the Go runtime one P more than it has loops (for its accept,
// admin and control goroutines), so GOMAXPROCS is left to it; the process is
// pinned to one CPU like every other proxy.
type Skiff struct {
	bin, version string
	proto        Protocol
}

// newSkiff finds the binary and, for HTTP and Dubbo, has `skiff validate`
// accept the bootstrap, so that a Skiff without the features used is
// skipped with its own message instead of failing mid-run.
func newSkiff(bin string, proto Protocol) (Proxy, error) {
	path, err := executable("skiff", bin, "no -skiff binary given")
	if err != nil {
		return nil, err
	}
	s := Skiff{bin: path, version: versionLine(path, "version"), proto: proto}
	if proto == HTTP || proto == Dubbo {
		if err := checkConfig(s, func(in Instance) []string { return []string{"validate", "-c", in.Args[2]} }); err != nil {
			return nil, fmt.Errorf("skiff: skipped (%s bootstrap rejected by skiff validate: %v)", protoName(proto), err)
		}
	}
	return s, nil
}

func (Skiff) Name() string      { return "skiff" }
func (s Skiff) Version() string { return s.version }
func (s Skiff) Setup() string {
	return "--concurrency 1 (one event loop; Skiff sets GOMAXPROCS=2); " + bootstrapSetup(s.proto) + "; admin listener idle"
}

func (s Skiff) Configure(dir string, p Ports) (Instance, error) {
	path, err := writeFile(dir, "bootstrap.yaml", Bootstrap(p, s.proto))
	if err != nil {
		return Instance{}, err
	}
	return Instance{
		Path:     s.bin,
		Args:     []string{"proxy", "-c", path, "--concurrency", "1"},
		ReadyURL: readyURL(p),
	}, nil
}
