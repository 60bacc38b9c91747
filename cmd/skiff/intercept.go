package main

import (
	"fmt"
	"io"
)

// runIntercept is replaced by the interception command (see interception/).
func runIntercept(_ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "skiff intercept: not available in this build")
	return 2
}
