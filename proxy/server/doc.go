// Package server is the proxy process's core: it owns the stats store, the
// event-loop engine, the cluster manager and the listeners, applies config
// snapshots atomically, and drains on shutdown.
//
// Listeners accept in Go (one goroutine per listener) and hand each
// connection to the engine; they are made by a [Binder], so a caller can hand
// in sockets inherited from a previous process.
package server
