package proc

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Status is what the benchmark reads from /proc/PID/status.
type Status struct {
	// RSS is VmRSS and HWM is VmHWM (peak RSS), in bytes.
	RSS, HWM uint64
	// CPUs is Cpus_allowed_list, e.g. "0" or "0-1".
	CPUs string
}

// ParseStatus extracts Status from the contents of /proc/PID/status.
func ParseStatus(b []byte) (Status, error) {
	var st Status
	var seen int
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "VmRSS":
			st.RSS, err = parseKB(val)
			seen++
		case "VmHWM":
			st.HWM, err = parseKB(val)
			seen++
		case "Cpus_allowed_list":
			st.CPUs = val
		}
		if err != nil {
			return Status{}, fmt.Errorf("proc: status: %s: %w", key, err)
		}
	}
	if seen < 2 {
		return Status{}, fmt.Errorf("proc: status: VmRSS or VmHWM missing")
	}
	return st, nil
}

// parseKB parses "1234 kB" into bytes.
func parseKB(s string) (uint64, error) {
	num, unit, _ := strings.Cut(s, " ")
	if unit != "kB" {
		return 0, fmt.Errorf("unit %q, want kB", unit)
	}
	n, err := strconv.ParseUint(num, 10, 64)
	return n * 1024, err
}

// ReadStatus reads /proc/PID/status.
func ReadStatus(pid int) (Status, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Status{}, fmt.Errorf("proc: %w", err)
	}
	return ParseStatus(b)
}
