package dubbo

import (
	"net/http"
	"strconv"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// Local replies are Dubbo error responses: a status and a message string
// (what Java and Go consumers show in the exception). The proxy's own:
//
//	no route                          60 SERVICE_NOT_FOUND
//	unknown cluster, no healthy host  70 SERVICE_ERROR
//	connect failure                   70 SERVICE_ERROR
//	max_requests / max_pending /
//	max_connections breaker open      100 SERVER_THREADPOOL_EXHAUSTED ("overflow")
//	provider connection lost          80 SERVER_ERROR ("upstream reset")
//	timeout                           31 SERVER_TIMEOUT
//	undecodable request               40 BAD_REQUEST (then the connection closes)
//
// A filter's LocalReply carries an HTTP-style status, mapped by replyStatus.

// replyStatus maps a filter's HTTP-style status to a Dubbo status:
//
//	2xx       20 OK (the message is the call's return value, a string)
//	400       40 BAD_REQUEST
//	404       60 SERVICE_NOT_FOUND
//	408, 504  31 SERVER_TIMEOUT
//	429       100 SERVER_THREADPOOL_EXHAUSTED (rate limited: the consumer may retry elsewhere)
//	503       70 SERVICE_ERROR
//	other 4xx 70 SERVICE_ERROR
//	other     80 SERVER_ERROR
func replyStatus(httpStatus int) byte {
	switch {
	case httpStatus >= 200 && httpStatus < 300:
		return dubbo.StatusOK
	case httpStatus == http.StatusBadRequest:
		return dubbo.StatusBadRequest
	case httpStatus == http.StatusNotFound:
		return dubbo.StatusServiceNotFound
	case httpStatus == http.StatusRequestTimeout, httpStatus == http.StatusGatewayTimeout:
		return dubbo.StatusServerTimeout
	case httpStatus == http.StatusTooManyRequests:
		return dubbo.StatusThreadpoolExhausted
	case httpStatus >= 400 && httpStatus < 500, httpStatus == http.StatusServiceUnavailable:
		return dubbo.StatusServiceError
	default:
		return dubbo.StatusServerError
	}
}

// replyMessage is the text of a filter's local reply.
func replyMessage(r filters.LocalReply) string {
	switch {
	case len(r.Body) > 0:
		return string(r.Body)
	case r.Details != "":
		return "skiff: " + r.Details
	default:
		return "skiff: " + strconv.Itoa(r.Status) + " " + http.StatusText(r.Status)
	}
}

// localReply answers the call with an error response and ends it. A
// one-way call, or one whose consumer is gone, is only ended.
func (c *call) localReply(status byte, msg string) {
	if c.phase == phaseDone {
		return
	}
	if d := c.d; d != nil && c.twoWay {
		b := dubbo.AppendErrorResponse(c.ls.enc[:0], c.downID, status, msg)
		c.ls.enc = b[:0]
		d.write(b)
		c.sent = true
		c.m.stats.LocalError.Inc(c.shard)
	}
	c.status = status
	c.finish()
}

// localValue answers the call with a successful response whose value is
// msg, and ends it.
func (c *call) localValue(msg string) {
	if c.phase == phaseDone {
		return
	}
	if d := c.d; d != nil && c.twoWay {
		b, err := dubbo.AppendResponse(c.ls.enc[:0], c.downID, msg, nil)
		if err != nil {
			c.localReply(dubbo.StatusServerError, "skiff: encode local reply: "+err.Error())
			return
		}
		c.ls.enc = b[:0]
		d.write(b)
		c.sent = true
		c.m.stats.LocalSuccess.Inc(c.shard)
	}
	c.status = dubbo.StatusOK
	c.finish()
}

// sendResponse writes the provider's response to the consumer with the
// consumer's request ID, and ends the call. A response for a consumer
// connection that closed is dropped and counted, as Envoy does, in
// response_error_caused_connection_close.
func (c *call) sendResponse() {
	if d := c.d; d != nil {
		dubbo.PutID(c.resp, c.downID)
		d.write(c.resp)
		c.sent = true
	} else {
		c.m.stats.ResponseErrorCloses.Inc(c.shard)
	}
	c.resp = nil
	c.finish()
}

// noRouteMessage names what had no route: "skiff: no route for
// com.foo.Greeter:1.0.0 sayHello".
func noRouteMessage(c *call) string {
	b := make([]byte, 0, 64)
	b = append(b, "skiff: no route for "...)
	b = append(b, c.head.Path...)
	if len(c.head.Version) > 0 {
		b = append(b, ':')
		b = append(b, c.head.Version...)
	}
	b = append(b, ' ')
	b = append(b, c.head.Method...)
	return string(b)
}

// timeoutMessage names the call that timed out.
func timeoutMessage(c *call) string {
	return "skiff: upstream request timeout after " + c.timeout.String() + ": " +
		string(c.head.Path) + " " + string(c.head.Method)
}
