package dubbo_test

import (
	"fmt"

	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// A proxy's read path: cut frames off the connection buffer, answer heartbeats, read the head of
// each call for routing, and forward it with a new request ID.
func Example() {
	buf := dubbo.AppendHeartbeatRequest(nil, 1)
	buf, _ = dubbo.AppendRequest(buf, 2, true, &dubbo.Invocation{
		Path: "org.apache.dubbo.samples.UserProvider", Version: "1.0.0", Method: "GetUser",
		Args: []any{"A001"}, Attachments: map[string]any{"group": "blue"},
	})
	var out []byte
	for {
		frame, h, err := dubbo.NextFrame(buf, 0)
		if err != nil || frame == nil {
			break // a protocol error, or wait for more bytes
		}
		buf = buf[len(frame):]
		body := frame[dubbo.HeaderSize:]
		if h.IsEvent() {
			if dubbo.IsHeartbeat(h, body) && h.IsTwoWay() {
				out = dubbo.AppendHeartbeatResponse(out, h.ID)
			}
			continue
		}
		var head dubbo.RequestHead
		if err := dubbo.ParseRequestHead(body, &head); err != nil {
			out = dubbo.AppendErrorResponse(out, h.ID, dubbo.StatusBadRequest, err.Error())
			continue
		}
		att, _ := dubbo.DecodeAttachments(body, &head) // only if a route needs them
		fmt.Printf("%s:%s.%s group %s\n", head.Path, head.Version, head.Method, att["group"])
		dubbo.PutID(frame, 1000+h.ID) // the upstream connection's own ID; the body is unchanged
	}
	status, _, _, _ := dubbo.DecodeResponse(out)
	fmt.Println("heartbeat answered:", status == dubbo.StatusOK)
	// Output:
	// org.apache.dubbo.samples.UserProvider:1.0.0.GetUser group blue
	// heartbeat answered: true
}
