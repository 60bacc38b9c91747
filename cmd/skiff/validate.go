package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/skiffmesh/skiff/proxy/server"
	"io"
)

// runValidate checks a bootstrap the way `skiff proxy` would, without
// binding anything (Envoy's --mode validate).
func runValidate(args []string, stdout, stderr io.Writer) int {
	f, err := parseProxyFlags("validate", args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "skiff validate: %v\n", err)
		return 2
	}
	snap, err := loadSnapshot(f)
	if err == nil {
		err = server.ValidateSnapshot(snap, httpFilters())
	}
	if err != nil {
		fmt.Fprintf(stderr, "skiff validate: %v\n", err)
		return 1
	}
	for _, w := range snap.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "configuration '%s' OK: %d listeners, %d clusters\n",
		f.configPath, len(snap.Listeners), len(snap.Clusters))
	return 0
}
