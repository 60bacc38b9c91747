package proc

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// CPUTimes are one CPU's counters from /proc/stat, in ticks.
type CPUTimes struct {
	User, Nice, System, Idle, IOWait, IRQ, SoftIRQ, Steal uint64
}

// Total is every tick the CPU accounted (guest time is already in User).
func (c CPUTimes) Total() uint64 {
	return c.User + c.Nice + c.System + c.Idle + c.IOWait + c.IRQ + c.SoftIRQ + c.Steal
}

// Tasks is the time spent running tasks (user, nice, system), the part
// that a process's utime+stime can be set against.
func (c CPUTimes) Tasks() uint64 { return c.User + c.Nice + c.System }

// Sub returns c - o field by field.
func (c CPUTimes) Sub(o CPUTimes) CPUTimes {
	return CPUTimes{
		User: c.User - o.User, Nice: c.Nice - o.Nice, System: c.System - o.System,
		Idle: c.Idle - o.Idle, IOWait: c.IOWait - o.IOWait, IRQ: c.IRQ - o.IRQ,
		SoftIRQ: c.SoftIRQ - o.SoftIRQ, Steal: c.Steal - o.Steal,
	}
}

// ParseCPUStat returns the per-CPU lines ("cpuN") of /proc/stat, keyed by N.
func ParseCPUStat(b []byte) (map[int]CPUTimes, error) {
	out := make(map[int]CPUTimes)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 9 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
			continue
		}
		n, err := strconv.Atoi(f[0][3:])
		if err != nil {
			continue
		}
		var v [8]uint64
		for i := range v {
			if v[i], err = strconv.ParseUint(f[i+1], 10, 64); err != nil {
				return nil, fmt.Errorf("proc: stat: %s field %d: %w", f[0], i+1, err)
			}
		}
		out[n] = CPUTimes{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("proc: stat: no per-CPU lines")
	}
	return out, nil
}

// ReadCPUStat reads /proc/stat.
func ReadCPUStat() (map[int]CPUTimes, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil, fmt.Errorf("proc: %w", err)
	}
	return ParseCPUStat(b)
}

// ParseLoadAvg returns the 1, 5 and 15 minute load averages from the
// contents of /proc/loadavg.
func ParseLoadAvg(b []byte) ([3]float64, error) {
	var la [3]float64
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return la, fmt.Errorf("proc: loadavg: %q", b)
	}
	for i := range la {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return la, fmt.Errorf("proc: loadavg: %w", err)
		}
		la[i] = v
	}
	return la, nil
}

// ReadLoadAvg reads /proc/loadavg.
func ReadLoadAvg() ([3]float64, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return [3]float64{}, fmt.Errorf("proc: %w", err)
	}
	return ParseLoadAvg(b)
}
