package main

// The end-to-end tests in this package run the skiff binary as a real process. TestMain builds it
// (and examples/demo-upstream) once; when the tests themselves are built with -race, so are the
// binaries, and a data race inside them fails the test that ran them (exit status 66).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// e2eBins are the binaries TestMain built. They are set once, before any test runs.
var e2eBins struct {
	skiff        string
	demoUpstream string
}

func TestMain(m *testing.M) {
	os.Exit(e2eMain(m))
}

func e2eMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "skiff-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	e2eBins.skiff = filepath.Join(dir, "skiff")
	e2eBins.demoUpstream = filepath.Join(dir, "demo-upstream")
	for _, b := range []struct{ out, pkg string }{
		{e2eBins.skiff, "."},
		{e2eBins.demoUpstream, "../../examples/demo-upstream"},
	} {
		if err := e2eBuild(b.out, b.pkg); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	return m.Run()
}

// e2eBuild runs `go build -o out pkg` with the go command on PATH.
func e2eBuild(out, pkg string) error {
	args := []string{"build", "-o", out}
	if e2eRace {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, pkg)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}
