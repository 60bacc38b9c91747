package interception

import (
	"bufio"
	"slices"
	"strings"
)

// Saved is what the mangle table holds of Skiff's, read from iptables-save output.
type Saved struct {
	// Chains are Skiff's chains that exist, in creation order.
	Chains []string
	// Jumps are the rules ("-A CHAIN ...") of other chains whose target is one of Skiff's chains,
	// in saved order; a jump added twice appears twice.
	Jumps []string
	// Rules counts the rules ("-A" lines) of every table in the output, Skiff's included.
	Rules int
}

// HasJump reports whether a rule of the built-in chain from jumps into one of Skiff's chains.
func (s Saved) HasJump(from string) bool {
	return slices.ContainsFunc(s.Jumps, func(j string) bool {
		return strings.HasPrefix(j, "-A "+from+" ")
	})
}

// Installed reports whether anything of Skiff's is present.
func (s Saved) Installed() bool {
	return len(s.Chains) > 0 || len(s.Jumps) > 0
}

// ParseSaved reads iptables-save output (all tables or -t mangle): Skiff's chains and jumps in
// the mangle table, and the number of rules in all tables.
func ParseSaved(out string) Saved {
	var s Saved
	table := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "*"):
			table = line[1:]
		case strings.HasPrefix(line, "-A ") && table != "mangle":
			s.Rules++
		case table != "mangle":
		case strings.HasPrefix(line, ":"):
			name, _, _ := strings.Cut(line[1:], " ")
			if slices.Contains(chains, name) && !slices.Contains(s.Chains, name) {
				s.Chains = append(s.Chains, name)
			}
		case strings.HasPrefix(line, "-A "):
			s.Rules++
			f := strings.Fields(line)
			if !slices.Contains(chains, f[1]) && slices.Contains(chains, target(f)) {
				s.Jumps = append(s.Jumps, line)
			}
		}
	}
	slices.SortFunc(s.Chains, func(a, b string) int {
		return slices.Index(chains, a) - slices.Index(chains, b)
	})
	return s
}

// target returns the -j (or -g) argument of a rule split into fields.
func target(f []string) string {
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "-j" || f[i] == "--jump" || f[i] == "-g" || f[i] == "--goto" {
			return f[i+1]
		}
	}
	return ""
}
