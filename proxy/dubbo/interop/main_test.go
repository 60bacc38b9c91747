package interop

// The tests run dubbo-go consumers in this process against dubbo-go providers in child processes
// (this binary re-executed, see RunProviderFromEnv), directly and through skiff processes that
// TestMain builds from the main module. SKIFF_INTEROP_BIN=/path/to/skiff runs that binary instead.
//
// skiff is always built with -race and a race it reports fails the test that ran it. The tests
// themselves are not worth running with -race: dubbo-go's transport (dubbo-getty v1.4.10) has data
// races of its own, in the consumer and in the provider, that the detector reports on every run.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	getty "github.com/apache/dubbo-getty"
	gostlog "github.com/dubbogo/gost/log/logger"
)

// skiffBin is the skiff binary TestMain built; set once before any test runs.
var skiffBin string

func TestMain(m *testing.M) {
	quietLogs()
	if RunProviderFromEnv(context.Background()) {
		return
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if bin := os.Getenv("SKIFF_INTEROP_BIN"); bin != "" {
		skiffBin = bin
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "skiff-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	skiffBin = filepath.Join(dir, "skiff")
	if err := buildSkiff(skiffBin); err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		return 1
	}
	return m.Run()
}

// buildSkiff runs `go build -race -o out ./cmd/skiff` in the main module (three directories up).
func buildSkiff(out string) error {
	cmd := exec.Command("go", "build", "-race", "-o", out, "./cmd/skiff")
	cmd.Dir = filepath.Join("..", "..", "..")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/skiff: %w\n%s", err, b)
	}
	return nil
}

// quietLogs keeps dubbo-go and getty to fatal messages; SKIFF_INTEROP_LOG=debug (or info, warn,
// error) shows theirs.
func quietLogs() {
	level := os.Getenv("SKIFF_INTEROP_LOG")
	if level == "" {
		level = "fatal"
	}
	gostlog.SetLoggerLevel(level)
	lv := getty.LoggerLevelFatal
	switch level {
	case "debug":
		lv = getty.LoggerLevelDebug
	case "info":
		lv = getty.LoggerLevelInfo
	case "warn":
		lv = getty.LoggerLevelWarn
	case "error":
		lv = getty.LoggerLevelError
	}
	_ = getty.SetLoggerLevel(lv)
}
