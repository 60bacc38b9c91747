package upstream

import (
	"net/netip"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/skiffmesh/skiff/proxy/stats"
)

// Host is one upstream endpoint (48 bytes, a size class of its own, so that hundreds of thousands
// of them stay cheap). Its identity (address, hostname, weight, priority, metadata) is immutable
// once the host is published; its gauges and counters are updated atomically by any loop.
type Host struct {
	ip       [16]byte // the address, IPv4 in its IPv4-mapped form
	port     uint16
	is4      bool
	priority uint8 // Envoy bounds priorities at 128
	weight   uint32
	// more holds what few endpoints have (a hostname, envoy.lb metadata, an IPv6 zone); nil
	// when they have none. Hosts built together share equal ones.
	more *hostMore

	active atomic.Uint64             // hostRemoved | open connections << 32 | requests in flight
	stats  atomic.Pointer[HostStats] // nil while host-level stats are off
}

// hostMore is the rarely set part of a Host's identity.
type hostMore struct {
	hostname string
	metadata map[string]string
	zone     string
}

// NewHost returns a host at addr. weight 0 counts as 1; priority is at most 128 (Envoy's
// bound, enforced by the config translator), larger values are clamped. metadata is shared, not
// copied: do not modify it afterwards.
func NewHost(addr netip.AddrPort, hostname string, weight, priority uint32, metadata map[string]string) *Host {
	var b hostBuilder
	return b.host(addr, hostname, weight, priority, metadata)
}

// hostBuilder builds hosts that share their hostMore when it is equal (same hostname and zone,
// same metadata map: the config translator shares equal metadata maps). The zero value is
// ready.
type hostBuilder struct {
	more map[moreKey]*hostMore
}

// moreKey identifies a hostMore; md is the identity of the metadata map.
type moreKey struct {
	hostname, zone string
	md             uintptr
}

// host is NewHost with shared hostMore.
func (b *hostBuilder) host(addr netip.AddrPort, hostname string, weight, priority uint32, metadata map[string]string) *Host {
	h := new(Host)
	h.init(addr, weight, priority)
	zone := addr.Addr().Zone()
	if hostname == "" && metadata == nil && zone == "" {
		return h
	}
	k := moreKey{hostname: hostname, zone: zone, md: reflect.ValueOf(metadata).Pointer()}
	if h.more = b.more[k]; h.more == nil {
		if b.more == nil {
			b.more = map[moreKey]*hostMore{}
		}
		h.more = &hostMore{hostname: hostname, metadata: metadata, zone: zone}
		b.more[k] = h.more
	}
	return h
}

// init sets the address, weight and priority.
func (h *Host) init(addr netip.AddrPort, weight, priority uint32) {
	ip := addr.Addr()
	h.ip, h.port, h.is4 = ip.As16(), addr.Port(), ip.Is4()
	h.weight = max(weight, 1)
	h.priority = uint8(min(priority, 128))
}

// Addr is the host's address and port.
func (h *Host) Addr() netip.AddrPort {
	var ip netip.Addr
	if h.is4 {
		ip = netip.AddrFrom4([4]byte(h.ip[12:]))
	} else {
		ip = netip.AddrFrom16(h.ip)
		if h.more != nil && h.more.zone != "" {
			ip = ip.WithZone(h.more.zone)
		}
	}
	return netip.AddrPortFrom(ip, h.port)
}

// Hostname is the endpoint's hostname ("" when not set): the DNS name a STRICT_DNS host was
// resolved from, or endpoint.hostname.
func (h *Host) Hostname() string {
	if h.more == nil {
		return ""
	}
	return h.more.hostname
}

// Metadata is the endpoint's envoy.lb metadata, shared by endpoints with equal metadata; nil when
// there is none. Do not modify.
func (h *Host) Metadata() map[string]string {
	if h.more == nil {
		return nil
	}
	return h.more.metadata
}

// Weight is the endpoint's load-balancing weight, at least 1.
func (h *Host) Weight() uint32 { return h.weight }

// Priority is the priority of the endpoint's locality (0 is the highest).
func (h *Host) Priority() uint32 { return uint32(h.priority) }

// activeCxOne is one connection in Host.active.
const activeCxOne = 1 << 32

// hostRemoved, the top bit of Host.active, marks a host that left its cluster's host set (see
// Removed). It is never cleared: a host that comes back is a new *Host. [prune: removed hosts]
const hostRemoved = 1 << 63

// Removed reports whether h has left its cluster's host set: an EDS update or a DNS re-resolution
// dropped it, ORIGINAL_DST cleanup forgot it, or its cluster was removed or replaced. Load
// balancers no longer pick it; connection pools close its idle connections and forget it once
// its in-flight requests are done. One atomic load; any goroutine.
func (h *Host) Removed() bool { return h.active.Load()&hostRemoved != 0 }

// markRemoved sets the Removed mark.
func (h *Host) markRemoved() { h.active.Or(hostRemoved) }

// markGone marks Removed the hosts of prev that are not in next (a new host set replaced prev), and
// every host of next too when all is set (the cluster was retired while next was being built).
func markGone(prev, next []*Host, all bool) {
	if all {
		for _, h := range next {
			h.markRemoved()
		}
	}
	if len(prev) == 0 {
		return
	}
	kept := make(map[*Host]struct{}, len(next))
	for _, h := range next {
		kept[h] = struct{}{}
	}
	for _, h := range prev {
		if _, ok := kept[h]; !ok {
			h.markRemoved()
		}
	}
}

// HostStats are the per-host statistics Envoy shows on /clusters, plus a latency histogram. They
// exist only while host-level stats are on (runtime key skiff.stats.host_level); switching them off
// drops every HostStats, so their memory is freed, not just hidden. Any goroutine.
type HostStats struct {
	CxTotal       atomic.Uint64
	CxConnectFail atomic.Uint64
	RqTotal       atomic.Uint64
	RqError       atomic.Uint64
	RqSuccess     atomic.Uint64
	RqTimeout     atomic.Uint64
	// RqTime is the upstream request time (first byte sent to last byte received) in ms.
	RqTime stats.Durations
}

// Stats returns the host's counters, or nil when host-level stats are off.
func (h *Host) Stats() *HostStats { return h.stats.Load() }

// ActiveConnections is the number of open upstream connections to h.
func (h *Host) ActiveConnections() int32 { return int32((h.active.Load() &^ hostRemoved) >> 32) }

// ActiveRequests is the number of requests in flight to h (for TCP proxying,
// each connection is one request).
func (h *Host) ActiveRequests() int32 { return int32(uint32(h.active.Load())) }

// ConnOpened records a new upstream connection to h.
func (h *Host) ConnOpened() {
	h.active.Add(activeCxOne)
	if s := h.stats.Load(); s != nil {
		s.CxTotal.Add(1)
	}
}

// ConnClosed records the end of an upstream connection to h.
func (h *Host) ConnClosed() { h.active.Add(^uint64(activeCxOne - 1)) }

// ConnectFailed records a failed connection attempt to h.
func (h *Host) ConnectFailed() {
	if s := h.stats.Load(); s != nil {
		s.CxConnectFail.Add(1)
	}
}

// RequestStarted and RequestDone track requests in flight for least-request
// balancing and host stats.
func (h *Host) RequestStarted() {
	h.active.Add(1)
	if s := h.stats.Load(); s != nil {
		s.RqTotal.Add(1)
	}
}

// RequestDone ends a request started with RequestStarted.
func (h *Host) RequestDone(ok, timedOut bool) {
	h.active.Add(^uint64(0))
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

// RequestTime records the time an upstream request to h took (while host-level stats are on).
func (h *Host) RequestTime(d time.Duration) {
	if s := h.stats.Load(); s != nil {
		s.RqTime.Record(d)
	}
}

// idle reports whether h has no connection and no request.
func (h *Host) idle() bool { return h.active.Load()&^hostRemoved == 0 }

func (h *Host) setStats(on bool) {
	if !on {
		h.stats.Store(nil)
		return
	}
	if h.stats.Load() == nil {
		h.stats.CompareAndSwap(nil, new(HostStats))
	}
}

// used reports whether s has counted anything.
func (s *HostStats) used() bool {
	return s.CxTotal.Load() != 0 || s.RqTotal.Load() != 0 || s.CxConnectFail.Load() != 0
}
