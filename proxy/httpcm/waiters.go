package httpcm

import "github.com/skiffmesh/skiff/proxy/upstream"

// Pools are per loop but max_connections is per cluster: a request queued
// on one loop may wait for a connection another loop holds. The Shared state
// keeps, per cluster, the pools that wait for a slot; a connection that
// closes wakes one of them, and an idle connection is closed rather than
// kept while others wait.

// waitForConnection registers hp as waiting for a connection slot. Loop only
// (hp's loop); the registry is shared.
func (sh *Shared) waitForConnection(hp *hostPool) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.waiting == nil {
		sh.waiting = map[*upstream.Cluster]map[*hostPool]bool{}
	}
	m := sh.waiting[hp.cluster]
	if m == nil {
		m = map[*hostPool]bool{}
		sh.waiting[hp.cluster] = m
	}
	if !m[hp] {
		m[hp] = true
		sh.anyWaiting.Add(1)
	}
}

// othersWaiting (called only when anyWaiting is non-zero, so the common
// case takes no lock) reports whether a pool other than hp waits for a slot of
// hp's cluster.
func (sh *Shared) othersWaiting(hp *hostPool) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for w := range sh.waiting[hp.cluster] {
		if w != hp {
			return true
		}
	}
	return false
}

// connectionClosed wakes one pool waiting for a slot of cl: on its own loop
// it dials if its requests still wait.
func (sh *Shared) connectionClosed(cl *upstream.Cluster) {
	sh.mu.Lock()
	var hp *hostPool
	for w := range sh.waiting[cl] {
		hp = w
		delete(sh.waiting[cl], w)
		sh.anyWaiting.Add(-1)
		break
	}
	if hp != nil && len(sh.waiting[cl]) == 0 {
		delete(sh.waiting, cl) // a removed cluster leaves nothing behind
	}
	sh.mu.Unlock()
	if hp != nil {
		_ = hp.p.loop.Post(func() { hp.dialIfRoom(hp.p.loop.Index()) })
	}
}

// forgetWaiting removes a pool that is being dropped (prune.go) from the registry. Without
// waiting pools anywhere it takes no lock.
func (sh *Shared) forgetWaiting(hp *hostPool) {
	if sh.anyWaiting.Load() == 0 {
		return
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	m := sh.waiting[hp.cluster]
	if m[hp] {
		delete(m, hp)
		sh.anyWaiting.Add(-1)
	}
	if m != nil && len(m) == 0 {
		delete(sh.waiting, hp.cluster)
	}
}
