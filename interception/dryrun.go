package interception

import (
	"fmt"
	"strings"
)

// DryRun returns, as a shell script, what Install runs in a namespace without Skiff's rules, or
// (remove) what Uninstall runs in a namespace where Install ran once: the ip commands and the
// exact iptables-restore input of each family, with the commands of backend b. It is pure: no
// command runs. o must be valid.
func DryRun(o *Options, fams []Family, b Backend, remove bool) string {
	var sb strings.Builder
	verb := "install"
	if remove {
		verb = "uninstall"
	}
	names := make([]string, len(fams))
	for i, f := range fams {
		names[i] = f.String()
	}
	fmt.Fprintf(&sb, "# skiff intercept %s: %s, iptables backend %s\n", verb, strings.Join(names, " and "), b)
	if remove {
		writeRestores(&sb, fams, b, func(Family) string { return RemovalRules(installedState()) })
		for _, f := range fams {
			writeCommands(&sb, RouteRemovalCommands(o, f, 1, true))
		}
		return sb.String()
	}
	for _, f := range fams {
		writeCommands(&sb, RouteCommands(o, f, false))
	}
	writeRestores(&sb, fams, b, func(f Family) string { return InstallRules(o, f, Saved{}) })
	return sb.String()
}

// installedState is what iptables-save shows after one Install.
func installedState() Saved {
	s := Saved{Chains: chains}
	for _, j := range jumps {
		s.Jumps = append(s.Jumps, j.rule)
	}
	return s
}

func writeCommands(sb *strings.Builder, cmds [][]string) {
	for _, c := range cmds {
		sb.WriteString(strings.Join(c, " ") + "\n")
	}
}

func writeRestores(sb *strings.Builder, fams []Family, b Backend, text func(Family) string) {
	for _, f := range fams {
		fmt.Fprintf(sb, "%s --noflush <<'EOF'\n%sEOF\n", b.Command(f, "restore"), text(f))
	}
}
