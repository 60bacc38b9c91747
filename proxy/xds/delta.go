package xds

import (
	"context"
	"fmt"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
)

// deltaStream is an incremental ADS stream (DeltaAggregatedResources).
type deltaStream struct {
	s        discoveryv3.AggregatedDiscoveryService_DeltaAggregatedResourcesClient
	cancel   context.CancelFunc
	node     *corev3.Node
	nodeOnce bool
	nodeSent bool
}

func openDelta(ctx context.Context, c discoveryv3.AggregatedDiscoveryServiceClient, node *corev3.Node, nodeOnce bool) (stream, error) {
	ctx, cancel := context.WithCancel(ctx)
	s, err := c.DeltaAggregatedResources(ctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("xds: open delta stream: %w", err)
	}
	return &deltaStream{s: s, cancel: cancel, node: node, nodeOnce: nodeOnce}, nil
}

func (st *deltaStream) send(r *request) error {
	req := &discoveryv3.DeltaDiscoveryRequest{
		TypeUrl: r.typeURL, ResourceNamesSubscribe: r.names, ResourceNamesUnsubscribe: r.unsubscribe,
		InitialResourceVersions: r.initial, ResponseNonce: r.nonce,
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

func (st *deltaStream) recv() (*response, error) {
	m, err := st.s.Recv()
	if err != nil {
		return nil, err
	}
	out := &response{
		typeURL: m.GetTypeUrl(), version: m.GetSystemVersionInfo(), nonce: m.GetNonce(),
		removed: m.GetRemovedResources(), items: make([]item, 0, len(m.GetResources())),
	}
	for _, r := range m.GetResources() {
		name := r.GetName()
		if name == "" {
			name = resourceName(r.GetResource().GetValue())
		}
		out.items = append(out.items, item{name: name, version: r.GetVersion(), body: r.GetResource()})
	}
	return out, nil
}

func (st *deltaStream) close() { st.cancel() }
