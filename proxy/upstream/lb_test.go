package upstream

import (
	"fmt"
	"math"
	"testing"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
)

// threeHosts are 10.0.0.1..3 on port 80 with the given weights, all at
// priority 0.
func threeHosts(w1, w2, w3 uint32) []ep {
	return []ep{
		{addr: "10.0.0.1", port: 80, weight: w1},
		{addr: "10.0.0.2", port: 80, weight: w2},
		{addr: "10.0.0.3", port: 80, weight: w3},
	}
}

func TestRoundRobinRotatesPerShard(t *testing.T) {
	tests := []struct {
		name  string
		loops int
		eps   []ep
	}{
		{"one loop, unset weights", 1, threeHosts(0, 0, 0)},
		{"two loops, equal weights", 2, threeHosts(3, 3, 3)},
		{"four loops, two hosts", 4, threeHosts(1, 1, 1)[:2]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := applyOne(t, tt.loops, clusterProto("rr", tt.eps))
			hosts := c.Hosts()
			seqs := make([][]*Host, tt.loops+1) // last one is the shared cursor
			// Interleave the shards: each keeps its own rotation.
			for range 5 * len(hosts) {
				for shard := -1; shard < tt.loops; shard++ {
					i := shard
					if shard < 0 {
						i = tt.loops
					}
					seqs[i] = append(seqs[i], c.Pick(shard))
				}
			}
			for i, seq := range seqs {
				for j, h := range seq {
					if want := hosts[j%len(hosts)]; h != want {
						t.Fatalf("cursor %d pick %d: got %s, want %s", i, j, h.Addr(), want.Addr())
					}
				}
			}
		})
	}
}

func TestSmoothWeightedRoundRobin(t *testing.T) {
	tests := []struct {
		name    string
		weights []uint32
	}{
		{"5/1/1", []uint32{5, 1, 1}},
		{"3/2/1", []uint32{3, 2, 1}},
		{"1/2", []uint32{1, 2}},
		{"1/1/8", []uint32{1, 1, 8}},
		{"2/2/1", []uint32{2, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var eps []ep
			var total uint32
			for i, w := range tt.weights {
				eps = append(eps, ep{addr: fmt.Sprintf("10.0.0.%d", i+1), port: 80, weight: w})
				total += w
			}
			c := applyOne(t, 1, clusterProto("swrr", eps))
			hosts := c.Hosts()
			const cycles = 4
			var seq []*Host
			for range cycles * int(total) {
				seq = append(seq, c.Pick(0))
			}
			for cycle := range cycles {
				counts := map[*Host]uint32{}
				for _, h := range seq[cycle*int(total) : (cycle+1)*int(total)] {
					counts[h]++
				}
				for i, h := range hosts {
					if counts[h] != tt.weights[i] {
						t.Errorf("cycle %d: %s picked %d times, want %d", cycle, h.Addr(), counts[h], tt.weights[i])
					}
				}
			}
			// No long runs: within a cycle a host of weight w among others of
			// total weight r runs at most ceil(w/(r+1)) times (the best any
			// order can do), and across a cycle boundary at most twice that. A
			// naive schedule runs w times.
			for i, h := range hosts {
				w, rest := tt.weights[i], total-tt.weights[i]
				limit := int(math.Ceil(float64(w) / float64(rest+1)))
				if got := longestRun(seq[:total], h); got > limit {
					t.Errorf("%s (weight %d) ran %d times in a row in a cycle, want at most %d", h.Addr(), w, got, limit)
				}
				if got := longestRun(seq, h); got > 2*limit {
					t.Errorf("%s (weight %d) ran %d times in a row, want at most %d", h.Addr(), w, got, 2*limit)
				}
			}
		})
	}
}

func longestRun(seq []*Host, h *Host) int {
	best, run := 0, 0
	for _, x := range seq {
		if x == h {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

func TestOnlyLowestPriorityUsed(t *testing.T) {
	eps := []ep{
		{addr: "10.0.1.1", port: 80, prio: 1},
		{addr: "10.0.0.1", port: 80, prio: 0},
		{addr: "10.0.2.1", port: 80, prio: 2},
		{addr: "10.0.0.2", port: 80, prio: 0, weight: 3},
	}
	policies := []clusterv3.Cluster_LbPolicy{
		clusterv3.Cluster_ROUND_ROBIN, clusterv3.Cluster_RANDOM, clusterv3.Cluster_LEAST_REQUEST,
	}
	tests := []struct {
		name string
		eps  []ep
		want map[string]bool
	}{
		{"priority 0 wins", eps, map[string]bool{"10.0.0.1": true, "10.0.0.2": true}},
		{"lowest non-empty is 1", eps[:1:1], map[string]bool{"10.0.1.1": true}},
		{"1 over 2", []ep{eps[2], eps[0]}, map[string]bool{"10.0.1.1": true}},
	}
	for _, tt := range tests {
		for _, p := range policies {
			t.Run(tt.name+"/"+p.String(), func(t *testing.T) {
				c := applyOne(t, 1, clusterProto("prio", tt.eps, withPolicy(p)))
				if len(c.Hosts()) != len(tt.eps) {
					t.Fatalf("Hosts() has %d hosts, want all %d", len(c.Hosts()), len(tt.eps))
				}
				seen := map[string]bool{}
				for range 200 {
					seen[c.Pick(0).Addr().Addr().String()] = true
				}
				if fmt.Sprint(seen) != fmt.Sprint(tt.want) {
					t.Fatalf("picked %v, want %v", seen, tt.want)
				}
			})
		}
	}
}

// The random draws below use fixed sample sizes; every bound is at least
// eight standard deviations wide, so they do not flake.
const samples = 20000

func shares(c *Cluster) map[string]float64 {
	counts := map[string]int{}
	for range samples {
		counts[c.Pick(0).Addr().Addr().String()]++
	}
	out := map[string]float64{}
	for k, n := range counts {
		out[k] = float64(n) / samples
	}
	return out
}

func TestRandomAndLeastRequestFollowWeights(t *testing.T) {
	tests := []struct {
		name    string
		weights [3]uint32
	}{
		{"equal", [3]uint32{1, 1, 1}},
		{"5/1/1", [3]uint32{5, 1, 1}},
		{"2/3/5", [3]uint32{2, 3, 5}},
	}
	for _, tt := range tests {
		for _, p := range []clusterv3.Cluster_LbPolicy{clusterv3.Cluster_RANDOM, clusterv3.Cluster_LEAST_REQUEST} {
			t.Run(tt.name+"/"+p.String(), func(t *testing.T) {
				w := tt.weights
				c := applyOne(t, 1, clusterProto("w", threeHosts(w[0], w[1], w[2]), withPolicy(p)))
				got := shares(c)
				total := float64(w[0] + w[1] + w[2])
				for i, h := range c.Hosts() {
					want := float64(w[i]) / total
					if d := math.Abs(got[h.Addr().Addr().String()] - want); d > 0.03 {
						t.Errorf("%s: share %.3f, want %.3f +- 0.03", h.Addr(), got[h.Addr().Addr().String()], want)
					}
				}
			})
		}
	}
}

func TestLeastRequestPrefersIdleHosts(t *testing.T) {
	tests := []struct {
		name    string
		choices uint32 // 0 = default (2)
		weights [2]uint32
		busy    int32 // active requests on 10.0.0.1
		// idle is the expected share of the idle host 10.0.0.2 with its bounds.
		idleMin, idleMax float64
	}{
		// Two draws: the busy host wins only when drawn twice (1/4).
		{"two choices", 0, [2]uint32{1, 1}, 10, 0.72, 0.78},
		// Five draws: 1/32 for the busy host.
		{"five choices", 5, [2]uint32{1, 1}, 1, 0.95, 0.99},
		// Weighted draws 3/4 vs 1/4; the idle host wins unless the busy
		// one is drawn twice: 1 - (3/4)^2.
		{"weighted", 0, [2]uint32{3, 1}, 4, 0.40, 0.48},
		{"no load follows weights", 0, [2]uint32{3, 1}, 0, 0.22, 0.28},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := []func(*clusterv3.Cluster){withPolicy(clusterv3.Cluster_LEAST_REQUEST)}
			if tt.choices != 0 {
				edit = append(edit, withChoices(tt.choices))
			}
			eps := threeHosts(tt.weights[0], tt.weights[1], 1)[:2]
			c := applyOne(t, 1, clusterProto("lr", eps, edit...))
			busy := hostByAddr(c.Hosts(), "10.0.0.1")
			for range tt.busy {
				busy.RequestStarted()
			}
			if got := busy.ActiveRequests(); got != tt.busy {
				t.Fatalf("ActiveRequests = %d, want %d", got, tt.busy)
			}
			if got := shares(c)["10.0.0.2"]; got < tt.idleMin || got > tt.idleMax {
				t.Errorf("idle host share %.3f, want in [%.2f, %.2f]", got, tt.idleMin, tt.idleMax)
			}
			for range tt.busy {
				busy.RequestDone(true, false)
			}
			if got := busy.ActiveRequests(); got != 0 {
				t.Errorf("ActiveRequests after RequestDone = %d, want 0", got)
			}
		})
	}
}

func TestPickEmptyCluster(t *testing.T) {
	for _, p := range []clusterv3.Cluster_LbPolicy{
		clusterv3.Cluster_ROUND_ROBIN, clusterv3.Cluster_RANDOM, clusterv3.Cluster_LEAST_REQUEST,
	} {
		t.Run(p.String(), func(t *testing.T) {
			c := applyOne(t, 2, clusterProto("empty", nil, withPolicy(p)))
			for _, shard := range []int{-1, 0, 1, 7} {
				if h := c.Pick(shard); h != nil {
					t.Fatalf("Pick(%d) = %s, want nil", shard, h.Addr())
				}
			}
		})
	}
}

func TestPickSingleHost(t *testing.T) {
	c := applyOne(t, 1, clusterProto("one", threeHosts(7, 0, 0)[:1], withPolicy(clusterv3.Cluster_RANDOM)))
	want := c.Hosts()[0]
	for range 10 {
		if h := c.Pick(0); h != want {
			t.Fatalf("Pick = %v, want the only host", h)
		}
	}
}
