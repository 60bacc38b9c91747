package interception

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ruleCommand is `ip -4|-6 rule VERB` of Skiff's policy rule: packets with the capture mark
// look up RouteTable, before the main table.
func ruleCommand(o *Options, f Family, verb string) []string {
	return []string{"ip", f.ipFlag(), "rule", verb, "fwmark", maskedMark(o.CaptureMark),
		"lookup", strconv.FormatUint(uint64(o.RouteTable), 10), "pref", strconv.Itoa(RulePriority)}
}

// routeCommand is `ip -4|-6 route VERB` of the route that delivers every destination locally
// through lo, in RouteTable.
func routeCommand(o *Options, f Family, verb string) []string {
	return []string{"ip", f.ipFlag(), "route", verb, "local", f.anyPrefix(), "dev", "lo",
		"table", strconv.FormatUint(uint64(o.RouteTable), 10)}
}

// RouteCommands returns the ip commands (argument vectors, starting with "ip") that install the
// policy routing of family f: a rule sending packets with the capture mark to RouteTable, and a
// route in that table delivering every destination locally through lo. The route uses
// "replace", so it may run twice; the rule is added only when ruleExists is false, because
// `ip rule add` does not deduplicate.
func RouteCommands(o *Options, f Family, ruleExists bool) [][]string {
	var cmds [][]string
	if !ruleExists {
		cmds = append(cmds, ruleCommand(o, f, "add"))
	}
	return append(cmds, routeCommand(o, f, "replace"))
}

// RouteRemovalCommands returns the ip commands that remove what RouteCommands added: the rule
// once per copy found (rules), and the route when present.
func RouteRemovalCommands(o *Options, f Family, rules int, routePresent bool) [][]string {
	var cmds [][]string
	for range rules {
		cmds = append(cmds, ruleCommand(o, f, "del"))
	}
	if routePresent {
		cmds = append(cmds, routeCommand(o, f, "del"))
	}
	return cmds
}

// ipRule is one entry of `ip -j rule show`.
type ipRule struct {
	Priority int    `json:"priority"`
	FwMark   string `json:"fwmark"`
	FwMask   string `json:"fwmask"`
	Table    string `json:"table"`
}

// countRules returns how many rules of `ip -j rule show` output are Skiff's rule.
func countRules(o *Options, out []byte) (int, error) {
	var rules []ipRule
	if err := json.Unmarshal(out, &rules); err != nil {
		return 0, fmt.Errorf("parse ip -j rule show output: %w", err)
	}
	n := 0
	for _, r := range rules {
		if r.Priority == RulePriority && sameNumber(r.FwMark, o.CaptureMark) &&
			sameNumber(r.FwMask, o.CaptureMark) && sameNumber(r.Table, o.RouteTable) {
			n++
		}
	}
	return n, nil
}

// ipRoute is one entry of `ip -j route show`.
type ipRoute struct {
	Type string `json:"type"`
	Dst  string `json:"dst"`
	Dev  string `json:"dev"`
}

// hasLocalRoute reports whether `ip -j route show table N` output holds Skiff's local default
// route.
func hasLocalRoute(f Family, out []byte) (bool, error) {
	var routes []ipRoute
	if err := json.Unmarshal(out, &routes); err != nil {
		return false, fmt.Errorf("parse ip -j route show output: %w", err)
	}
	for _, r := range routes {
		if r.Type == "local" && r.Dev == "lo" && (r.Dst == "default" || r.Dst == f.anyPrefix()) {
			return true, nil
		}
	}
	return false, nil
}

// sameNumber reports whether s (decimal or 0x hexadecimal, as ip prints it) is v.
func sameNumber(s string, v uint32) bool {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 0, 32)
	return err == nil && uint32(n) == v
}
