package upstream

import (
	"net/netip"
	"sync/atomic"
)

// Host is one upstream endpoint. Its identity (address, weight, priority) is
// immutable; its gauges are updated atomically by any loop.
type Host struct {
	Addr     netip.AddrPort
	Hostname string
	Weight   uint32
	Priority uint32
	Metadata map[string]string
	endpoint int // index of the config endpoint it came from (STRICT_DNS)

	activeCx atomic.Int32
	activeRq atomic.Int32
	stats    atomic.Pointer[HostStats] // nil while host-level stats are off
}

// HostStats are the per-host counters Envoy shows on /clusters. They exist
// only while host-level stats are on (runtime key skiff.stats.host_level).
type HostStats struct {
	CxTotal       atomic.Uint64
	CxConnectFail atomic.Uint64
	RqTotal       atomic.Uint64
	RqError       atomic.Uint64
	RqSuccess     atomic.Uint64
	RqTimeout     atomic.Uint64
}

// Stats returns the host's counters, or nil when host-level stats are off.
func (h *Host) Stats() *HostStats { return h.stats.Load() }

// ActiveConnections is the number of open upstream connections to h.
func (h *Host) ActiveConnections() int32 { return h.activeCx.Load() }

// ActiveRequests is the number of requests in flight to h (for TCP proxying,
// each connection is one request).
func (h *Host) ActiveRequests() int32 { return h.activeRq.Load() }

// ConnOpened records a new upstream connection to h.
func (h *Host) ConnOpened() {
	h.activeCx.Add(1)
	if s := h.stats.Load(); s != nil {
		s.CxTotal.Add(1)
	}
}

// ConnClosed records the end of an upstream connection to h.
func (h *Host) ConnClosed() { h.activeCx.Add(-1) }

// ConnectFailed records a failed connection attempt to h.
func (h *Host) ConnectFailed() {
	if s := h.stats.Load(); s != nil {
		s.CxConnectFail.Add(1)
	}
}

// RequestStarted and RequestDone track requests in flight for least-request
// balancing and host stats.
func (h *Host) RequestStarted() {
	h.activeRq.Add(1)
	if s := h.stats.Load(); s != nil {
		s.RqTotal.Add(1)
	}
}

// RequestDone ends a request started with RequestStarted.
func (h *Host) RequestDone(ok, timedOut bool) {
	h.activeRq.Add(-1)
	s := h.stats.Load()
	if s == nil {
		return
	}
	switch {
	case timedOut:
		s.RqTimeout.Add(1)
		s.RqError.Add(1)
	case ok:
		s.RqSuccess.Add(1)
	default:
		s.RqError.Add(1)
	}
}

func (h *Host) setStats(on bool) {
	if !on {
		h.stats.Store(nil)
		return
	}
	if h.stats.Load() == nil {
		h.stats.CompareAndSwap(nil, new(HostStats))
	}
}
