package interception

import (
	"os"
	"testing"
)

// TestMain runs the tests, or, when the end-to-end test started this binary as an agent inside a
// network namespace, the agent.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(runAgent(os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}
