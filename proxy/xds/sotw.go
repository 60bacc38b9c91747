package xds

import (
	"context"
	"fmt"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
)

// sotwStream is a state-of-the-world ADS stream (StreamAggregatedResources).
type sotwStream struct {
	s        discoveryv3.AggregatedDiscoveryService_StreamAggregatedResourcesClient
	cancel   context.CancelFunc
	node     *corev3.Node
	nodeOnce bool // set_node_on_first_message_only
	nodeSent bool
}

func openSotW(ctx context.Context, c discoveryv3.AggregatedDiscoveryServiceClient, node *corev3.Node, nodeOnce bool) (stream, error) {
	ctx, cancel := context.WithCancel(ctx)
	s, err := c.StreamAggregatedResources(ctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("xds: open stream: %w", err)
	}
	return &sotwStream{s: s, cancel: cancel, node: node, nodeOnce: nodeOnce}, nil
}

func (st *sotwStream) send(r *request) error {
	req := &discoveryv3.DiscoveryRequest{
		TypeUrl: r.typeURL, VersionInfo: r.version, ResourceNames: r.names, ResponseNonce: r.nonce,
	}
	if !st.nodeSent || !st.nodeOnce {
		req.Node = st.node
		st.nodeSent = true
	}
	if r.nack != nil {
		req.ErrorDetail = &status.Status{Code: int32(codes.InvalidArgument), Message: r.nack.Error()}
	}
	return st.s.Send(req)
}

func (st *sotwStream) recv() (*response, error) {
	m, err := st.s.Recv()
	if err != nil {
		return nil, err
	}
	out := &response{
		typeURL: m.GetTypeUrl(), version: m.GetVersionInfo(), nonce: m.GetNonce(), full: true,
		items: make([]item, 0, len(m.GetResources())),
	}
	for _, a := range m.GetResources() {
		out.items = append(out.items, item{name: resourceName(a.GetValue()), version: m.GetVersionInfo(), body: a})
	}
	return out, nil
}

func (st *sotwStream) close() { st.cancel() }
