package dubbo

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/protocol/dubbo"
	"github.com/skiffmesh/skiff/proxy/dubboroute"
)

// A call is the request its filters and the route table see, and the
// stream its filters act on.
var (
	_ filters.Request    = (*call)(nil)
	_ filters.Stream     = (*call)(nil)
	_ dubboroute.Request = (*call)(nil)
	_ filters.Response   = (*respView)(nil)
	_ filters.Headers    = (*attachments)(nil)
)

// Interface implements dubboroute.Request: the service path.
func (c *call) Interface() []byte { return c.head.Path }

// Version implements dubboroute.Request.
func (c *call) Version() []byte { return c.head.Version }

// Method implements dubboroute.Request.
func (c *call) Method() []byte { return c.head.Method }

// Group implements dubboroute.Request: the "group" attachment.
func (c *call) Group() ([]byte, bool) { return c.Attachment("group") }

// Argument implements dubboroute.Request. The arguments are decoded on the
// first call; a body whose arguments do not decode has none.
func (c *call) Argument(i int) (any, bool) {
	if !c.argsDone {
		c.argsDone = true
		c.args, _ = dubbo.DecodeArguments(c.frame[dubbo.HeaderSize:], &c.head)
	}
	if i < 0 || i >= len(c.args) {
		return nil, false
	}
	return c.args[i], true
}

// Attachment implements dubboroute.Request. The attachments are decoded on
// the first call (walking every argument). The returned bytes must not be
// modified.
func (c *call) Attachment(name string) ([]byte, bool) {
	v, ok := c.attachments()[name]
	if !ok {
		return nil, false
	}
	return unsafe.Slice(unsafe.StringData(v), len(v)), true
}

// attachments decodes the attachments once. A body whose attachments do not
// decode has none.
func (c *call) attachments() map[string]string {
	if !c.attDone {
		c.attDone = true
		c.att, _ = dubbo.DecodeAttachments(c.frame[dubbo.HeaderSize:], &c.head)
		if c.att == nil {
			c.att = map[string]string{}
		}
	}
	return c.att
}

// attachmentTimeout is the call's "timeout" attachment (milliseconds), if
// the attachments were decoded and it is a positive number.
func (c *call) attachmentTimeout() (time.Duration, bool) {
	if !c.attDone {
		return 0, false
	}
	ms, err := strconv.ParseInt(c.att["timeout"], 10, 64)
	if err != nil || ms <= 0 {
		return 0, false
	}
	return time.Duration(ms) * time.Millisecond, true
}

// Protocol implements filters.Request.
func (c *call) Protocol() filters.Protocol { return filters.Dubbo }

// Headers implements filters.Request: the attachments, decoded on first use.
func (c *call) Headers() filters.Headers { return (*attachments)(c) }

// Attribute implements filters.Request: "service", "method", "version",
// "group".
func (c *call) Attribute(name string) ([]byte, bool) {
	switch name {
	case "service":
		return c.head.Path, true
	case "method":
		return c.head.Method, true
	case "version":
		return c.head.Version, true
	case "group":
		return c.Group()
	}
	return nil, false
}

// SendLocalReply implements filters.Stream. The HTTP-style status is mapped
// to a Dubbo status by replyStatus; the message is r.Body, else r.Details,
// else the status text.
func (c *call) SendLocalReply(r filters.LocalReply) {
	status := replyStatus(r.Status)
	msg := replyMessage(r)
	if status == dubbo.StatusOK {
		c.localValue(msg)
		return
	}
	c.localReply(status, msg)
}

// Resume implements filters.Stream.
func (c *call) Resume() {
	switch c.phase {
	case phaseRequest:
		c.runRequestFilters()
	case phaseResponse:
		c.runResponseFilters()
	}
}

// AfterFunc implements filters.Stream.
func (c *call) AfterFunc(d time.Duration, fn func()) filters.Timer {
	gen := c.gen
	t := c.ls.loop.AfterFunc(d, func() {
		if c.gen == gen && c.phase != phaseDone {
			fn()
		}
	})
	c.timers = append(c.timers, t)
	return t
}

// Shard implements filters.Stream.
func (c *call) Shard() int { return c.shard }

// attachments is the filters.Headers view of a call's attachments. Changes
// are seen by later filters and the router but are not forwarded: the
// request body goes to the provider as the consumer sent it.
type attachments call

// Get implements filters.Headers.
func (a *attachments) Get(name string) ([]byte, bool) { return (*call)(a).Attachment(name) }

// Set implements filters.Headers (not forwarded, see attachments).
func (a *attachments) Set(name, value string) { (*call)(a).attachments()[name] = value }

// Add implements filters.Headers: attachments hold one value per name, so
// Add is Set.
func (a *attachments) Add(name, value string) { a.Set(name, value) }

// Del implements filters.Headers (not forwarded, see attachments).
func (a *attachments) Del(name string) { delete((*call)(a).attachments(), name) }

// Range implements filters.Headers (in no particular order).
func (a *attachments) Range(fn func(name, value []byte) bool) {
	for k, v := range (*call)(a).attachments() {
		if !fn([]byte(k), []byte(v)) {
			return
		}
	}
}

// respView is the filters.Response view of a call's response: its status.
// Response attachments are not decoded (Headers is empty).
type respView call

// Status implements filters.Response: the Dubbo response status.
func (r *respView) Status() int { return int(r.status) }

// Headers implements filters.Response.
func (r *respView) Headers() filters.Headers { return noHeaders{} }

// noHeaders is an empty, immutable filters.Headers.
type noHeaders struct{}

func (noHeaders) Get(string) ([]byte, bool)           { return nil, false }
func (noHeaders) Set(string, string)                  {}
func (noHeaders) Add(string, string)                  {}
func (noHeaders) Del(string)                          {}
func (noHeaders) Range(func(name, value []byte) bool) {}
