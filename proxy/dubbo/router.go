package dubbo

import (
	"math/rand/v2"

	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/config"
	"github.com/skiffmesh/skiff/proxy/upstream"
)

// Envoy's local reply texts where one exists.
const (
	msgNoHealthy = "no healthy upstream"
	msgOverflow  = "skiff: upstream overflow"
)

// route is the router: match the route table, pick a cluster and a host
// (per call), and send the call on one of the loop's connections to it.
func (c *call) route() {
	rt := c.m.routes.Load().Match(c)
	if rt == nil {
		c.localReply(dubbo.StatusServiceNotFound, noRouteMessage(c))
		return
	}
	name, match := rt.Pick(rand.Uint64())
	c.routeName, c.clusterName = rt.Name, name
	cl := c.m.sh.Clusters.Get(name)
	if cl == nil {
		c.localReply(dubbo.StatusServiceError, "skiff: unknown cluster "+name+": "+msgNoHealthy)
		return
	}
	if !c.admit(cl, name) {
		return
	}
	h := c.pickHost(cl, match)
	if h == nil {
		cl.Stats.CxNoneHealthy.Inc(c.shard)
		c.localReply(dubbo.StatusServiceError, "skiff: cluster "+name+": "+msgNoHealthy)
		return
	}
	c.host = h
	h.RequestStarted()
	if c.twoWay {
		c.timeout = c.m.set.requestTimeout
		if t, ok := c.attachmentTimeout(); ok {
			c.timeout = t
		}
		// The timeout counts from routing, as in Envoy. Unless a filter paused the call, that is
		// the same loop event as its arrival, whose time the call already read.
		at := c.start
		if c.paused {
			at = c.ls.loop.Now()
		}
		c.timer.ResetAt(at + int64(c.timeout))
	}
	c.hp = c.ls.pool(cl, h)
	c.hp.send(c, c.d)
}

// admit takes a request slot of cluster cl (max_requests); false means the
// call was answered with an overflow error.
func (c *call) admit(cl *upstream.Cluster, name string) bool {
	c.cluster, c.cs = cl, c.ls.clusterStats(name)
	if !cl.AcquireRequest() {
		c.cs.RqPendingOverflow.Inc(c.shard)
		c.localReply(dubbo.StatusThreadpoolExhausted, msgOverflow+": max_requests of cluster "+name)
		return false
	}
	c.rqSlot = true
	c.cs.RqTotal.Inc(c.shard)
	c.cs.RqActive.Inc(c.shard)
	return true
}

// pickHost picks the call's host: subset load balancing on the route's
// metadata match, or the original destination for an ORIGINAL_DST cluster
// (refused when that is one of Skiff's own listeners).
func (c *call) pickHost(cl *upstream.Cluster, match map[string]string) *upstream.Host {
	if cl.Config().Type != config.OriginalDst {
		return cl.PickSubset(c.shard, match)
	}
	d := c.d
	if own := c.m.sh.IsOwnAddress; own != nil && own(d.local) {
		return nil
	}
	return cl.PickFor(c.shard, d.local)
}

// onResponse handles the provider's response to the call (already taken
// out of its connection's table). frame is valid during the call only.
func (c *call) onResponse(frame []byte, h dubbo.Header) {
	c.up = nil
	c.timer.Stop()
	c.status = h.Status
	s := c.m.stats
	s.Response.Inc(c.shard)
	s.ResponseDecodingSuccess.Inc(c.shard)
	switch {
	case h.Status != dubbo.StatusOK:
		s.ResponseError.Inc(c.shard)
	case dubbo.IsException(h, frame[dubbo.HeaderSize:]):
		s.ResponseBusinessException.Inc(c.shard)
	default:
		s.ResponseSuccess.Inc(c.shard)
	}
	c.resp = frame
	if c.d == nil || len(c.filters) == 0 {
		c.sendResponse()
		return
	}
	c.phase = phaseResponse
	c.fi = len(c.filters)
	c.runResponseFilters()
}
