package proc

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    uint64
		wantErr bool
	}{
		{"plain", "1234 (haproxy) S 1 1234 1234 0 -1 4194560 300 0 0 0 150 25 0 0 20 0 1 0 100 1000 200", 175, false},
		{"comm with spaces and parens", "99 (a b) (c)) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 6 7", 10, false},
		{"no paren", "1 x S", 0, true},
		{"too short", "1 (x) S 1 2 3", 0, true},
		{"bad number", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 zz 3 0", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStat([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseStat = %d, %v; want %d, err %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	in := "Name:\tnginx\nVmPeak:\t  20000 kB\nVmHWM:\t   14336 kB\nVmRSS:\t   12288 kB\nCpus_allowed_list:\t1\n"
	got, err := ParseStatus([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Status{RSS: 12288 * 1024, HWM: 14336 * 1024, CPUs: "1"}
	if got != want {
		t.Errorf("ParseStatus = %+v, want %+v", got, want)
	}
	for name, bad := range map[string]string{
		"missing HWM": "VmRSS:\t1 kB\n",
		"bad unit":    "VmRSS:\t1 MB\nVmHWM:\t1 kB\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseStatus([]byte(bad)); err == nil {
				t.Errorf("ParseStatus(%q) succeeded", bad)
			}
		})
	}
}

func TestParseCPUStat(t *testing.T) {
	in := "cpu  10 0 5 100 0 0 1 0 0 0\ncpu0 6 0 3 50 0 0 1 2 0 0\ncpu1 4 1 2 50 0 0 0 0 0 0\nintr 1 2\n"
	got, err := ParseCPUStat([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d CPUs, want 2", len(got))
	}
	c0 := got[0]
	if c0.Tasks() != 9 || c0.Total() != 62 || c0.Steal != 2 {
		t.Errorf("cpu0 = %+v: tasks %d total %d", c0, c0.Tasks(), c0.Total())
	}
	if d := got[1].Sub(CPUTimes{User: 1}); d.User != 3 {
		t.Errorf("Sub: user = %d, want 3", d.User)
	}
	if _, err := ParseCPUStat([]byte("intr 1\n")); err == nil {
		t.Error("no CPU lines: want error")
	}
}

func TestParseLoadAvg(t *testing.T) {
	got, err := ParseLoadAvg([]byte("0.17 0.11 0.04 2/91 4067\n"))
	if err != nil || got != [3]float64{0.17, 0.11, 0.04} {
		t.Errorf("ParseLoadAvg = %v, %v", got, err)
	}
	if _, err := ParseLoadAvg([]byte("x")); err == nil {
		t.Error("want error")
	}
}

func TestStartPinnedReadsOwnProc(t *testing.T) {
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Skip("taskset not installed")
	}
	var out bytes.Buffer
	p, err := Start(Spec{Path: "grep", Args: []string{"Cpus_allowed_list", "/proc/self/status"}, CPU: 0, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(time.Second); err != nil {
		t.Errorf("Stop after exit: %v", err)
	}
	if got := strings.TrimSpace(out.String()); !strings.HasSuffix(got, "\t0") {
		t.Errorf("child reported %q, want pinned to CPU 0", got)
	}
}

func TestStartPassesStdin(t *testing.T) {
	var out bytes.Buffer
	p, err := Start(Spec{Path: "head", Args: []string{"-c", "3"}, CPU: -1, Stdin: strings.NewReader("abcdef"), Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "abc" {
		t.Errorf("stdout = %q, want %q", out.String(), "abc")
	}
}

func TestReadsOwnProcess(t *testing.T) {
	if _, err := CPUTicks(os.Getpid()); err != nil {
		t.Errorf("CPUTicks: %v", err)
	}
	st, err := ReadStatus(os.Getpid())
	if err != nil || st.RSS == 0 || st.HWM < st.RSS {
		t.Errorf("ReadStatus = %+v, %v", st, err)
	}
	if _, err := ReadCPUStat(); err != nil {
		t.Error(err)
	}
	if _, err := ReadLoadAvg(); err != nil {
		t.Error(err)
	}
}
