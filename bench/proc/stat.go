// Package proc starts pinned processes and reads what Linux reports about
// them and about the machine under /proc.
package proc

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// TickDuration is one clock tick of /proc CPU times (USER_HZ, which is
// 100 on every Linux architecture the benchmark runs on).
const TickDuration = 10 * time.Millisecond

// ParseStat returns utime+stime, in clock ticks, from the contents of
// /proc/PID/stat. The command name may contain spaces and parentheses, so
// fields are counted from the last ')'.
func ParseStat(b []byte) (uint64, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("proc: stat: no ')' in %q", b)
	}
	// After ") " come field 3 (state) onwards; utime and stime are fields
	// 14 and 15, i.e. indexes 11 and 12 here.
	f := bytes.Fields(b[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("proc: stat: %d fields after comm, want >= 13", len(f))
	}
	utime, err := strconv.ParseUint(string(f[11]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("proc: stat: utime: %w", err)
	}
	stime, err := strconv.ParseUint(string(f[12]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("proc: stat: stime: %w", err)
	}
	return utime + stime, nil
}

// CPUTicks returns the user+system CPU time, in ticks, that process pid
// (all its threads) has used so far.
func CPUTicks(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("proc: %w", err)
	}
	return ParseStat(b)
}
