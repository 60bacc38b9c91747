// Package interop checks Skiff's Dubbo proxying against a real Dubbo implementation, dubbo-go.
//
// It is its own Go module so that dubbo-go and its large dependency graph stay out of Skiff's
// go.mod. It does not import Skiff's packages: the tests build the skiff binary from the main module
// and run it as a process with generated Envoy bootstraps, exactly as an operator would.
//
// The non-test files hold the pieces the tests share: a Java-compatible Greeter service (provider
// side), a consumer for it, and the dubbo-go extensions both need. Providers run as child processes
// (the test binary re-executed; see RunProviderFromEnv) because dubbo-go keeps exported services in
// a process-wide table keyed by interface, so one process can serve only one implementation of an
// interface.
package interop
