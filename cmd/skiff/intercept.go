package main

import (
	"io"

	"github.com/skiffmesh/skiff/interception"
)

// runIntercept installs or removes the capture rules: the init container's command. See
// interception.Command and docs/interception.md.
func runIntercept(args []string, stdout, stderr io.Writer) int {
	return interception.Command(args, nil, stdout, stderr)
}
