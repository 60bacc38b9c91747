package interception

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Installer installs and removes the capture rules in the network namespace it runs in. It
// needs CAP_NET_ADMIN there. Its fields must not change during a call.
type Installer struct {
	// Options are the rule settings.
	Options Options
	// Runner runs iptables-save, iptables-restore and ip; nil means ExecRunner.
	Runner Runner
	// HasIPv6 reports whether the namespace has IPv6, for Options.IPv6 == Auto; nil means
	// NamespaceHasIPv6.
	HasIPv6 func() bool
	// Log receives one line per change; nil discards them.
	Log io.Writer
}

// rollbackTimeout bounds taking back a failed install.
const rollbackTimeout = 30 * time.Second

// step is one change made by Install and how to take it back.
type step struct {
	undo []command
}

// command is one command line with its standard input.
type command struct {
	stdin []byte
	args  []string
}

// Families returns the families the rules are for: IPv4, and IPv6 when Options.IPv6 is On, or
// Auto and the namespace has IPv6.
func (in *Installer) Families() []Family {
	switch in.Options.IPv6 {
	case On:
		return []Family{IPv4, IPv6}
	case Off:
		return []Family{IPv4}
	}
	has := in.HasIPv6
	if has == nil {
		has = NamespaceHasIPv6
	}
	if has() {
		return []Family{IPv4, IPv6}
	}
	return []Family{IPv4}
}

// Install adds the policy routing and then the iptables rules (capture starts with the latter),
// for each family. It is idempotent: a second run rewrites Skiff's chains and adds nothing
// else. On failure it takes back what this call added and returns an error saying which rule or
// command failed (ErrNoTPROXY, ErrNoSocketMatch, ErrNoIPTables where they apply).
func (in *Installer) Install(ctx context.Context) (err error) {
	fams, b, err := in.prepare(ctx)
	if err != nil {
		return err
	}
	var done []step
	defer func() {
		if err != nil {
			in.rollback(ctx, done)
		}
	}()
	for _, f := range fams {
		s, err := in.installRoutes(ctx, f)
		done = append(done, s)
		if err != nil {
			return err
		}
	}
	for _, f := range fams {
		s, err := in.installRules(ctx, b, f)
		done = append(done, s)
		if err != nil {
			return err
		}
	}
	return nil
}

// Uninstall removes what Install added, for each family: the jumps into Skiff's chains and the
// chains, then the policy routing rule and route. Other rules and routes are left alone. Running
// it when nothing is installed does nothing.
func (in *Installer) Uninstall(ctx context.Context) error {
	fams, b, err := in.prepare(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range fams {
		errs = append(errs, in.removeRules(ctx, b, f))
	}
	for _, f := range fams {
		errs = append(errs, in.removeRoutes(ctx, f))
	}
	return errors.Join(errs...)
}

// prepare validates the options and resolves the families and the backend.
func (in *Installer) prepare(ctx context.Context) ([]Family, Backend, error) {
	if err := in.Options.Validate(); err != nil {
		return nil, "", err
	}
	fams := in.Families()
	switch in.Options.Backend {
	case "nft":
		return fams, BackendNFT, nil
	case "legacy":
		return fams, BackendLegacy, nil
	}
	b, err := DetectBackend(ctx, in.runner(), fams)
	if err != nil {
		return nil, "", err
	}
	in.logf("iptables backend: %s", b)
	return fams, b, nil
}

// installRoutes adds the policy rule (unless present) and the local route of family f.
func (in *Installer) installRoutes(ctx context.Context, f Family) (step, error) {
	var s step
	rules, route, err := in.readRoutes(ctx, f)
	if err != nil {
		return s, err
	}
	o := &in.Options
	for _, c := range RouteCommands(o, f, rules > 0) {
		if _, err := in.run(ctx, nil, c); err != nil {
			return s, fmt.Errorf("interception: %s policy routing: %w", f, err)
		}
		in.logf("%s", strings.Join(c, " "))
		switch {
		case c[2] == "rule":
			s.undo = append(s.undo, command{args: ruleCommand(o, f, "del")})
		case !route:
			s.undo = append(s.undo, command{args: routeCommand(o, f, "del")})
		}
	}
	return s, nil
}

// installRules restores family f's rules and the jumps into them.
func (in *Installer) installRules(ctx context.Context, b Backend, f Family) (step, error) {
	saved, err := in.save(ctx, b, f)
	if err != nil {
		return step{}, err
	}
	text := InstallRules(&in.Options, f, saved)
	restore := []string{b.Command(f, "restore"), "--noflush"}
	if _, err := in.run(ctx, []byte(text), restore); err != nil {
		return step{}, diagnoseRestore(f, text, err)
	}
	in.logf("%s: %s rules installed in chains %s", restore[0], f, strings.Join(chains, ", "))
	var s step
	if !saved.Installed() {
		s.undo = []command{{stdin: []byte(RemovalRules(installedState())), args: restore}}
	}
	return s, nil
}

// removeRules removes Skiff's jumps and chains of family f.
func (in *Installer) removeRules(ctx context.Context, b Backend, f Family) error {
	saved, err := in.save(ctx, b, f)
	if err != nil {
		return err
	}
	text := RemovalRules(saved)
	if text == "" {
		return nil
	}
	restore := []string{b.Command(f, "restore"), "--noflush"}
	if _, err := in.run(ctx, []byte(text), restore); err != nil {
		return fmt.Errorf("interception: remove %s rules: %w", f, err)
	}
	in.logf("%s: %s rules removed", restore[0], f)
	return nil
}

// removeRoutes removes Skiff's policy rule (every copy) and local route of family f.
func (in *Installer) removeRoutes(ctx context.Context, f Family) error {
	rules, route, err := in.readRoutes(ctx, f)
	if err != nil {
		return err
	}
	for _, c := range RouteRemovalCommands(&in.Options, f, rules, route) {
		if _, err := in.run(ctx, nil, c); err != nil {
			return fmt.Errorf("interception: remove %s policy routing: %w", f, err)
		}
		in.logf("%s", strings.Join(c, " "))
	}
	return nil
}

// readRoutes returns how many copies of Skiff's policy rule exist and whether its route does.
func (in *Installer) readRoutes(ctx context.Context, f Family) (int, bool, error) {
	out, err := in.run(ctx, nil, []string{"ip", "-j", f.ipFlag(), "rule", "show"})
	if err != nil {
		return 0, false, fmt.Errorf("interception: read %s policy rules: %w", f, err)
	}
	rules, err := countRules(&in.Options, out)
	if err != nil {
		return 0, false, fmt.Errorf("interception: %w", err)
	}
	table := strconv.FormatUint(uint64(in.Options.RouteTable), 10)
	out, err = in.run(ctx, nil, []string{"ip", "-j", f.ipFlag(), "route", "show", "table", table})
	var ce *CommandError
	if errors.As(err, &ce) && strings.Contains(ce.Stderr, "does not exist") {
		return rules, false, nil // an IPv6 table that was never used
	}
	if err != nil {
		return 0, false, fmt.Errorf("interception: read %s routes of table %s: %w", f, table, err)
	}
	route, err := hasLocalRoute(f, out)
	if err != nil {
		return 0, false, fmt.Errorf("interception: %w", err)
	}
	return rules, route, nil
}

// save reads family f's mangle table.
func (in *Installer) save(ctx context.Context, b Backend, f Family) (Saved, error) {
	out, err := in.run(ctx, nil, []string{b.Command(f, "save"), "-t", "mangle"})
	if notFound(err) {
		return Saved{}, fmt.Errorf("%w: %w", ErrNoIPTables, err)
	}
	if err != nil {
		return Saved{}, fmt.Errorf("interception: read %s mangle table: %w", f, err)
	}
	return ParseSaved(string(out)), nil
}

// rollback runs the undo commands of steps in reverse order, ignoring failures. It runs even when
// ctx has expired.
func (in *Installer) rollback(ctx context.Context, steps []step) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	for i := len(steps) - 1; i >= 0; i-- {
		for j := len(steps[i].undo) - 1; j >= 0; j-- {
			c := steps[i].undo[j]
			if _, err := in.run(ctx, c.stdin, c.args); err == nil {
				in.logf("rolled back: %s", strings.Join(c.args, " "))
			}
		}
	}
}

func (in *Installer) run(ctx context.Context, stdin []byte, args []string) ([]byte, error) {
	r := in.runner()
	return r.Run(ctx, stdin, args[0], args[1:]...)
}

func (in *Installer) runner() Runner {
	if in.Runner == nil {
		return ExecRunner{}
	}
	return in.Runner
}

func (in *Installer) logf(format string, args ...any) {
	if in.Log != nil {
		fmt.Fprintf(in.Log, format+"\n", args...)
	}
}

// NamespaceHasIPv6 reports whether the current network namespace has IPv6: the kernel supports
// it and it is not disabled for the namespace.
func NamespaceHasIPv6() bool {
	if _, err := os.Stat("/proc/net/if_inet6"); err != nil {
		return false
	}
	b, err := os.ReadFile("/proc/sys/net/ipv6/conf/all/disable_ipv6")
	return err == nil && strings.TrimSpace(string(b)) != "1"
}
