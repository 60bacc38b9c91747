package interception

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// commandTimeout bounds one install or uninstall.
const commandTimeout = 2 * time.Minute

// Command is `skiff intercept`, the init container's command: it parses args, then installs,
// removes, or (with --dry-run) prints the rules, and returns the exit code: 0 on success, 1 when
// a change failed, 2 for bad usage. r runs the commands (nil: ExecRunner).
//
//	skiff intercept install|uninstall [--dry-run] [flags]
//	skiff intercept --dry-run [flags]        (install --dry-run)
func Command(args []string, r Runner, stdout, stderr io.Writer) int {
	opts := DefaultOptions()
	fs := flag.NewFlagSet("skiff intercept", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts.Register(fs)
	dry := fs.Bool("dry-run", false, "print the ip commands and iptables-restore input, change nothing")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: skiff intercept install|uninstall [--dry-run] [flags]\n\nflags:\n")
		fs.PrintDefaults()
	}
	action, err := parseCommand(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err == nil && action == "" && *dry:
		action = "install"
	case err == nil && action == "":
		err = errors.New("say install or uninstall")
	}
	if err == nil {
		err = opts.Validate()
	}
	if err != nil {
		fmt.Fprintf(stderr, "skiff intercept: %v\n", err)
		fmt.Fprintln(stderr, "run 'skiff intercept -h' for the flags")
		return 2
	}
	for _, w := range opts.Warnings() {
		fmt.Fprintf(stderr, "skiff intercept: warning: %s\n", w)
	}
	in := &Installer{Options: opts, Runner: r, Log: stdout}
	if *dry {
		fmt.Fprint(stdout, DryRun(&opts, in.Families(), dryRunBackend(opts.Backend), action == "uninstall"))
		return 0
	}
	return runAction(in, action, stdout, stderr)
}

// parseCommand parses flags before and after the action word and returns the action.
func parseCommand(fs *flag.FlagSet, args []string) (string, error) {
	action := ""
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		args = fs.Args()
		switch {
		case len(args) == 0:
			return action, nil
		case action != "":
			return "", fmt.Errorf("unexpected arguments: %q", args)
		case args[0] == "install" || args[0] == "uninstall":
			action, args = args[0], args[1:]
		default:
			return "", fmt.Errorf("unknown action %q: say install or uninstall", args[0])
		}
	}
}

// dryRunBackend is the backend whose command names a dry run prints: the one named, or the plain
// iptables commands (a dry run detects nothing).
func dryRunBackend(name string) Backend {
	switch name {
	case "nft":
		return BackendNFT
	case "legacy":
		return BackendLegacy
	}
	return BackendDefault
}

// runAction installs or uninstalls.
func runAction(in *Installer, action string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	run := in.Install
	if action == "uninstall" {
		run = in.Uninstall
	}
	if err := run(ctx); err != nil {
		fmt.Fprintf(stderr, "skiff intercept %s: %v\n", action, err)
		return 1
	}
	fmt.Fprintf(stdout, "skiff intercept %s: done\n", action)
	return 0
}
