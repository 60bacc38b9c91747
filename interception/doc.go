// Package interception generates and installs the rules that send a pod's TCP traffic through
// the sidecar without NAT or conntrack: iptables mangle rules with TPROXY and the socket match,
// SO_MARK and uid exclusions for the proxy's own traffic, and a policy route that delivers the
// marked packets locally. docs/interception.md explains the packet walk.
//
// Generation is pure (InstallRules, RemovalRules, RouteCommands, DryRun) and checked against
// golden files. Installation (Installer) runs iptables-save, iptables-restore --noflush and ip
// through a Runner, so it is testable without root and never touches the nat table, conntrack,
// CONNMARK or -m state.
package interception
