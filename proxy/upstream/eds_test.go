package upstream

import (
	"testing"

	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/stats"
)

func TestSetEndpointsKeepsHostsThatStay(t *testing.T) {
	m := NewManager(ManagerOptions{Stats: stats.NewStore(1), Loops: 1})
	defer m.Stop()
	ep := func(addr string, w uint32) config.Endpoint {
		return config.Endpoint{Address: addr, Port: 80, Weight: w}
	}
	m.Apply([]*config.Cluster{{Name: "c", Type: config.EDS, Endpoints: []config.Endpoint{ep("10.0.0.1", 1), ep("10.0.0.2", 1)}}})
	c := m.Get("c")
	before := c.Hosts()
	if err := m.SetEndpoints("c", []config.Endpoint{ep("10.0.0.2", 1), ep("10.0.0.3", 1), ep("10.0.0.1", 2)}); err != nil {
		t.Fatal(err)
	}
	after := c.Hosts()
	if len(after) != 3 {
		t.Fatalf("%d hosts, want 3", len(after))
	}
	if after[0] != before[1] {
		t.Error("10.0.0.2 stayed but got a new Host")
	}
	if after[2] == before[0] || after[2].Weight() != 2 {
		t.Error("10.0.0.1 changed weight but kept its Host")
	}
	for range 10 {
		if h := c.Pick(0); h == before[0] {
			t.Fatal("picked a removed host")
		}
	}
	if err := m.SetEndpoints("nope", nil); err == nil {
		t.Error("SetEndpoints on a missing cluster succeeded")
	}
}
