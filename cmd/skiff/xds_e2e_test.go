package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
)

// TestXDSControlPlane runs `skiff proxy -c` with examples/xds-bootstrap.yaml (only the ports
// changed) against a go-control-plane server, over delta (as shipped) and state-of-the-world
// ADS: the proxy goes ready once the first snapshot arrives, routes by it, follows an RDS update,
// NACKs an invalid cluster while it keeps serving, takes a new listener, and shows the dynamic
// listeners with their versions in /config_dump.
func TestXDSControlPlane(t *testing.T) {
	t.Parallel()
	for _, api := range []corev3.ApiConfigSource_ApiType{corev3.ApiConfigSource_DELTA_GRPC, corev3.ApiConfigSource_GRPC} {
		t.Run(api.String(), func(t *testing.T) {
			t.Parallel()
			testXDSControlPlane(t, api)
		})
	}
}

func testXDSControlPlane(t *testing.T, api corev3.ApiConfigSource_ApiType) {
	cp := startXDSControlPlane(t, readXDSExample(t).GetNode().GetId())
	portA, portB := xdsBackend(t, "a"), xdsBackend(t, "b")
	// What each snapshot holds: clusters a and b (EDS), listener "http" reading route
	// configuration "web" over RDS, and web's routes.
	resources := func(clusterA *clusterv3.Cluster, prefixCluster ...string) xdsResources {
		return xdsResources{
			clusters:  []types.Resource{clusterA, xdsEDSCluster("b")},
			endpoints: []types.Resource{xdsAssignment("a", portA), xdsAssignment("b", portB)},
			listeners: []types.Resource{xdsHTTPListener(t, "http", "web")},
			routes:    []types.Resource{xdsRoutes("web", prefixCluster...)},
		}
	}

	proc := startProc(t, e2eBins.skiff, "proxy", "-c", writeXDSBootstrap(t, api, cp.port), "--drain-time-s", "1")
	poll(t, startTimeout, func() bool { return cp.opened.Load() > 0 || !proc.running() },
		func() string { return "skiff never opened an ADS stream" })
	if !proc.running() {
		t.Fatalf("skiff exited with %d before opening an ADS stream", proc.code)
	}
	if strings.Contains(proc.stderr.String(), "skiff is live") {
		t.Fatal("skiff went live before the control plane sent anything")
	}

	cp.set("1", resources(xdsEDSCluster("a"), "/", "a"))
	p := attachAdmin(t, proc, proc.waitStderr(liveLine, startTimeout)[1])
	web := p.listenerAddr("http")
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: ioTimeout}
	t.Cleanup(hc.CloseIdleConnections)
	// Ready means warmed: the first request is routed by snapshot 1.
	xdsExpect(t, hc, web, "/b", "a")

	t.Run("RDS update", func(t *testing.T) {
		cp.set("2", resources(xdsEDSCluster("a"), "/b", "b", "/", "a"))
		xdsEventually(t, hc, web, "/b", "b")
		xdsExpect(t, hc, web, "/", "a")
	})

	t.Run("NACK", func(t *testing.T) {
		bad := xdsEDSCluster("a")
		bad.LbPolicy = clusterv3.Cluster_RING_HASH
		cp.set("3", resources(bad, "/b", "b", "/", "a"))
		poll(t, startTimeout, func() bool { return cp.nacked(`cluster "a"`, "RING_HASH") },
			func() string { return fmt.Sprintf("no NACK naming cluster a; error_details: %q", cp.nackMessages()) })
		for range 3 {
			xdsExpect(t, hc, web, "/", "a")
			xdsExpect(t, hc, web, "/b", "b")
		}
	})

	t.Run("LDS update and config_dump", func(t *testing.T) {
		// Cluster a fixed, and a second listener (a delta server sends LDS only when a listener
		// changed).
		rs := resources(xdsEDSCluster("a"), "/b", "b", "/", "a")
		rs.listeners = append(rs.listeners, xdsHTTPListener(t, "http2", "web"))
		cp.set("4", rs)
		var dump xdsListenersDump
		poll(t, startTimeout, func() bool {
			dump = xdsConfigDump(t, p)
			return dump.clusters == "4" && dump.listeners == "4"
		}, func() string {
			return fmt.Sprintf("/config_dump versions: clusters %q, listeners %q, want 4", dump.clusters, dump.listeners)
		})
		for _, name := range []string{"http", "http2"} {
			// State of the world: the response's version_info; delta: the server's resource version.
			v, ok := dump.active[name]
			switch {
			case !ok:
				t.Fatalf("/config_dump: no active dynamic listener %q: %+v", name, dump)
			case v == "":
				t.Fatalf("/config_dump: listener %q has no version_info", name)
			case api == corev3.ApiConfigSource_GRPC && v != "4":
				t.Fatalf("/config_dump: listener %q version_info %q, want 4", name, v)
			}
		}
		xdsExpect(t, hc, web, "/b", "b")
		xdsExpect(t, hc, p.listenerAddr("http2"), "/", "a")
	})

	hc.CloseIdleConnections()
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(stopTimeout); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
}

// xdsGet sends GET path to addr and returns the body of a 200 answer.
func xdsGet(hc *http.Client, addr, path string) (string, error) {
	resp, err := hc.Get("http://" + addr + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return string(b), nil
}

// xdsExpect fails the test unless GET path through addr is answered by backend want.
func xdsExpect(t *testing.T, hc *http.Client, addr, path, want string) {
	t.Helper()
	if got, err := xdsGet(hc, addr, path); err != nil || got != want {
		t.Fatalf("GET %s answered %q (%v), want %q", path, got, err, want)
	}
}

// xdsEventually polls until GET path through addr is answered by backend want.
func xdsEventually(t *testing.T, hc *http.Client, addr, path, want string) {
	t.Helper()
	var got string
	var err error
	poll(t, startTimeout, func() bool {
		got, err = xdsGet(hc, addr, path)
		return err == nil && got == want
	}, func() string { return fmt.Sprintf("GET %s never answered %q; last %q (%v)", path, want, got, err) })
}

// xdsListenersDump is what the test reads from /config_dump.
type xdsListenersDump struct {
	clusters, listeners string            // version_info of the last accepted CDS and LDS responses
	active              map[string]string // active dynamic listener name: its version_info
}

// xdsConfigDump reads the versions and the active dynamic listeners from GET /config_dump.
func xdsConfigDump(t *testing.T, p *skiffProxy) xdsListenersDump {
	t.Helper()
	var raw struct {
		Configs []struct {
			Type             string `json:"@type"`
			VersionInfo      string `json:"version_info"`
			DynamicListeners []struct {
				Name        string `json:"name"`
				ActiveState *struct {
					VersionInfo string          `json:"version_info"`
					Listener    json.RawMessage `json:"listener"`
				} `json:"active_state"`
			} `json:"dynamic_listeners"`
		} `json:"configs"`
	}
	body := p.get("/config_dump")
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("/config_dump: %v\n%s", err, body)
	}
	out := xdsListenersDump{active: map[string]string{}}
	for _, c := range raw.Configs {
		switch {
		case strings.HasSuffix(c.Type, ".ClustersConfigDump"):
			out.clusters = c.VersionInfo
		case strings.HasSuffix(c.Type, ".ListenersConfigDump"):
			out.listeners = c.VersionInfo
			for _, l := range c.DynamicListeners {
				if l.ActiveState != nil && len(l.ActiveState.Listener) > 0 {
					out.active[l.Name] = l.ActiveState.VersionInfo
				}
			}
		}
	}
	return out
}
