package runner

import (
	"fmt"
	"time"

	"github.com/skiffmesh/skiff/bench/proc"
)

// pinned is one of our processes and the CPU it is pinned to.
type pinned struct {
	pid, cpu int
}

// snapshot is the CPU accounting of the machine and of our processes at
// one instant.
type snapshot struct {
	cpus  map[int]proc.CPUTimes
	ticks map[int]uint64 // by pid
}

func takeSnapshot(ps []pinned) (snapshot, error) {
	cpus, err := proc.ReadCPUStat()
	if err != nil {
		return snapshot{}, err
	}
	s := snapshot{cpus: cpus, ticks: make(map[int]uint64, len(ps))}
	for _, p := range ps {
		if s.ticks[p.pid], err = proc.CPUTicks(p.pid); err != nil {
			return snapshot{}, fmt.Errorf("runner: pid %d: %w", p.pid, err)
		}
	}
	return s, nil
}

// CPUWindow is what the CPU accounting says about one measured window.
type CPUWindow struct {
	// Proxy is the proxy's utime+stime in the window (0 for direct).
	Proxy time.Duration
	// Others is, per CPU, the share of the window that processes other
	// than ours ran on it: user+nice+system time of the CPU minus our
	// pinned processes' utime+stime, over all the CPU's time. Interrupt
	// time is left out on both sides. Steal is the hypervisor's share.
	Others, Steal map[int]float64
}

// cpuWindow compares two snapshots; proxyPID is 0 for direct.
func cpuWindow(a, b snapshot, ps []pinned, proxyPID int) CPUWindow {
	w := CPUWindow{Others: map[int]float64{}, Steal: map[int]float64{}}
	ours := map[int]uint64{}
	for _, p := range ps {
		d := b.ticks[p.pid] - a.ticks[p.pid]
		ours[p.cpu] += d
		if p.pid == proxyPID {
			w.Proxy = time.Duration(d) * proc.TickDuration
		}
	}
	for cpu, end := range b.cpus {
		d := end.Sub(a.cpus[cpu])
		total := d.Total()
		if total == 0 {
			continue
		}
		others := max(int64(d.Tasks())-int64(ours[cpu]), 0)
		w.Others[cpu] = float64(others) / float64(total)
		w.Steal[cpu] = float64(d.Steal) / float64(total)
	}
	return w
}
