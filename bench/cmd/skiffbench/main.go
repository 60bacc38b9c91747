// Command skiffbench benchmarks Skiff against a direct connection and
// other proxies on loopback, with every process pinned to a CPU.
//
//	skiffbench [flags]              run the scenarios: TCP echo, HTTP/1.1, Dubbo (see -h)
//	skiffbench echo-server [flags]  the TCP echo backend (started by the above)
//	skiffbench http-server [flags]  the HTTP backend (started by the above)
//	skiffbench dubbo-server [flags] the Dubbo backend (started by the above)
//	skiffbench load [flags]         the load generator (started by the above)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	args := os.Args[1:]
	run := runBench
	if len(args) > 0 {
		switch args[0] {
		case "echo-server":
			run, args = runEcho, args[1:]
		case "http-server":
			run, args = runHTTP, args[1:]
		case "dubbo-server":
			run, args = runDubbo, args[1:]
		case "load":
			run, args = runLoad, args[1:]
		}
	}
	err := run(args)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiffbench:", err)
		os.Exit(1)
	}
}
