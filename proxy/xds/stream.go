package xds

import (
	"google.golang.org/protobuf/types/known/anypb"
)

// Type URLs of the resources the client reads.
const (
	ListenerType = "type.googleapis.com/envoy.config.listener.v3.Listener"
	ClusterType  = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
	EndpointType = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
	RouteType    = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
)

// stream is one ADS stream in either protocol. send is called on the client's goroutine only,
// recv on the stream's receive goroutine only.
type stream interface {
	send(r *request) error
	recv() (*response, error)
	close()
}

// request is a subscription change, an ACK or a NACK, in protocol-neutral form.
type request struct {
	typeURL string
	// version is the last accepted version_info (state of the world).
	version string
	// names are the resources subscribed to (state of the world: all of them, nil for wildcard;
	// delta: the ones added, "*" for wildcard).
	names []string
	// unsubscribe are the resources dropped (delta).
	unsubscribe []string
	// initial are the versions known when a delta stream starts.
	initial map[string]string
	// nonce is the nonce of the response acknowledged; empty for a subscription.
	nonce string
	// nack is the reason a response was rejected; nil for an ACK.
	nack error
}

// response is a DiscoveryResponse or DeltaDiscoveryResponse in protocol-neutral form.
type response struct {
	typeURL string
	version string // version_info, or system_version_info (delta)
	nonce   string
	items   []item
	// removed are resources the server removed (delta).
	removed []string
	// full says items is the complete set of the type (state of the world).
	full bool
}

// item is one resource of a response.
type item struct {
	name    string
	version string // the resource's version (delta), or the response's version_info
	body    *anypb.Any
}
