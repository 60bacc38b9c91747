package upstream

import "sync/atomic"

// requestBreakers are the request-level circuit breakers of a cluster
// (max_pending_requests, max_requests, max_retries at priority DEFAULT).
type requestBreakers struct {
	pending atomic.Int64
	active  atomic.Int64
	retries atomic.Int64
}

func acquire(n *atomic.Int64, limit uint32) bool {
	for {
		v := n.Load()
		if v >= int64(limit) {
			return false
		}
		if n.CompareAndSwap(v, v+1) {
			return true
		}
	}
}

// AcquirePending reserves a slot for a request waiting for a connection
// (max_pending_requests). A true result is paired with ReleasePending.
func (c *Cluster) AcquirePending() bool {
	return acquire(&c.breakers.pending, c.cfg.Thresholds.MaxPendingRequests)
}

// ReleasePending returns a slot taken by AcquirePending.
func (c *Cluster) ReleasePending() { c.breakers.pending.Add(-1) }

// AcquireRequest reserves a slot for a request in flight (max_requests).
func (c *Cluster) AcquireRequest() bool {
	return acquire(&c.breakers.active, c.cfg.Thresholds.MaxRequests)
}

// ReleaseRequest returns a slot taken by AcquireRequest.
func (c *Cluster) ReleaseRequest() { c.breakers.active.Add(-1) }

// AcquireRetry reserves a slot for a retry in progress (max_retries).
func (c *Cluster) AcquireRetry() bool {
	return acquire(&c.breakers.retries, c.cfg.Thresholds.MaxRetries)
}

// ReleaseRetry returns a slot taken by AcquireRetry.
func (c *Cluster) ReleaseRetry() { c.breakers.retries.Add(-1) }
