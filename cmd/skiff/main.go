// Command skiff is the Skiff sidecar proxy.
//
//	skiff proxy -c bootstrap.yaml [--concurrency N] [--drain-time-s N] [-l LEVEL]
//	skiff validate -c bootstrap.yaml
//	skiff intercept install|uninstall [--dry-run] [flags]
//	skiff version
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one subcommand and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "proxy":
		return runProxy(args[1:], stdout, stderr)
	case "validate":
		return runValidate(args[1:], stdout, stderr)
	case "intercept":
		return runIntercept(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "skiff %s\n", version)
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "skiff: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: skiff <command> [flags]

commands:
  proxy     run the proxy: skiff proxy -c bootstrap.yaml
  validate  check a bootstrap without starting: skiff validate -c bootstrap.yaml
  intercept install or remove the traffic capture rules (init container)
  version   print the version

run 'skiff <command> -h' for the flags of a command.
`)
}
