package xds

import (
	"fmt"

	"google.golang.org/grpc"
	gbackoff "google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// dial makes the gRPC channel to the control plane: plaintext (TLS to the control plane comes
// with SDS), the cluster's connect_timeout per attempt, the client's back-off between attempts,
// and HTTP/2 keepalive when the cluster asks for it. It does not connect yet.
func dial(opts Options) (*grpc.ClientConn, error) {
	cfg := opts.Config
	dopts := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: gbackoff.Config{
				BaseDelay: opts.BackoffBase, Multiplier: 2, Jitter: 0.5, MaxDelay: opts.BackoffMax,
			},
			MinConnectTimeout: cfg.ConnectTimeout,
		}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1 << 30)),
	}
	if cfg.Keepalive > 0 {
		dopts = append(dopts, grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time: cfg.Keepalive, Timeout: cfg.KeepaliveTimeout, PermitWithoutStream: true,
		}))
	}
	conn, err := grpc.NewClient(cfg.Target, append(dopts, opts.DialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("xds: dial %s: %w", cfg.Target, err)
	}
	return conn, nil
}
