package interception

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Errors for missing kernel or iptables features, wrapped by Installer.Install.
var (
	ErrNoTPROXY = errors.New("interception: the TPROXY target is not available " +
		"(kernel: CONFIG_NETFILTER_XT_TARGET_TPROXY, module xt_TPROXY or nft_tproxy; iptables: libxt_TPROXY)")
	ErrNoSocketMatch = errors.New("interception: the socket match is not available " +
		"(kernel: CONFIG_NETFILTER_XT_MATCH_SOCKET, module xt_socket; iptables: libxt_socket)")
)

// failedLineRE finds the input line iptables-restore names in its error: "Error occurred at
// line: 7" or "line 7 failed".
var failedLineRE = regexp.MustCompile(`line:? (\d+)`)

// diagnoseRestore explains a failed iptables-restore of input: which input line failed and, when
// that line uses TPROXY or the socket match, that the feature is missing.
func diagnoseRestore(f Family, input string, err error) error {
	var stderr string
	var ce *CommandError
	if errors.As(err, &ce) {
		stderr = ce.Stderr
	}
	if notFound(err) {
		return fmt.Errorf("%w: %w", ErrNoIPTables, err)
	}
	line := failedLine(input, stderr)
	var kind error
	switch {
	case strings.Contains(line, "-j TPROXY") || strings.Contains(stderr, "TPROXY"):
		kind = ErrNoTPROXY
	case strings.Contains(line, "-m socket") || strings.Contains(stderr, "match `socket'"):
		kind = ErrNoSocketMatch
	}
	switch {
	case kind != nil && line != "":
		return fmt.Errorf("%w: %s rule %q was rejected: %w", kind, f, line, err)
	case kind != nil:
		return fmt.Errorf("%w: %w", kind, err)
	case line != "":
		return fmt.Errorf("interception: %s rule %q was rejected: %w", f, line, err)
	}
	return fmt.Errorf("interception: install %s rules: %w", f, err)
}

// failedLine returns the line of input that stderr reports as failed, or "".
func failedLine(input, stderr string) string {
	m := failedLineRE.FindStringSubmatch(stderr)
	if m == nil {
		return ""
	}
	n, err := strconv.Atoi(m[1])
	lines := strings.Split(input, "\n")
	if err != nil || n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}
