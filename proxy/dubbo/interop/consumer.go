package interop

import (
	"context"
	"fmt"
	"time"

	"dubbo.apache.org/dubbo-go/v3/client"
	"dubbo.apache.org/dubbo-go/v3/common/constant"
)

// Consumer calls the Greeter service at one address with the dubbo protocol and hessian2, without
// a registry and without retries (an error is the first attempt's). Safe for concurrent use.
type Consumer struct {
	conn    *client.Connection
	timeout client.CallOption
}

// NewConsumer returns a consumer of Interface at addr ("127.0.0.1:20880"); timeout bounds each
// call and travels as its "timeout" attachment (milliseconds), as Java consumers send it.
// dubbo-go dials addr here: it must accept connections.
func NewConsumer(addr string, timeout time.Duration) (*Consumer, error) {
	RegisterPOJOs()
	cli, err := client.NewClient(
		client.WithClientProtocolDubbo(),
		client.WithClientSerialization(constant.Hessian2Serialization),
		client.WithClientClusterFailFast(),
		client.WithClientRetries(0),
	)
	if err != nil {
		return nil, fmt.Errorf("interop: new client: %w", err)
	}
	conn, err := cli.Dial(Interface, client.WithURL("dubbo://"+addr))
	if err != nil {
		return nil, fmt.Errorf("interop: dial %s: %w", addr, err)
	}
	// Only a per-call timeout reaches the invocation: without it dubbo-go sends "timeout: 0" and
	// waits its fixed 3 s.
	return &Consumer{conn: conn, timeout: client.WithCallRequestTimeout(timeout)}, nil
}

// WithAttachments returns ctx carrying attachments that every call made with it sends.
func WithAttachments(ctx context.Context, kv map[string]string) context.Context {
	return context.WithValue(ctx, constant.AttachmentKey, kv)
}

// SayHello calls Greeter.SayHello(String).
func (c *Consumer) SayHello(ctx context.Context, name string) (*Reply, error) {
	return c.call(ctx, "SayHello", name)
}

// Count calls Greeter.Count(int).
func (c *Consumer) Count(ctx context.Context, n int32) (*Reply, error) {
	return c.call(ctx, "Count", n)
}

// Greet calls Greeter.Greet(User).
func (c *Consumer) Greet(ctx context.Context, u *User) (*Reply, error) {
	return c.call(ctx, "Greet", u)
}

// Sleep calls Greeter.Sleep(int): the provider answers after ms milliseconds.
func (c *Consumer) Sleep(ctx context.Context, ms int32) (*Reply, error) {
	return c.call(ctx, "Sleep", ms)
}

// Fail calls Greeter.Fail(String), which always ends in an exception.
func (c *Consumer) Fail(ctx context.Context, msg string) (*Reply, error) {
	return c.call(ctx, "Fail", msg)
}

// Call invokes any method with args; the tests use it for methods the provider lacks.
func (c *Consumer) Call(ctx context.Context, method string, args ...any) (*Reply, error) {
	return c.call(ctx, method, args...)
}

func (c *Consumer) call(ctx context.Context, method string, args ...any) (*Reply, error) {
	r := &Reply{}
	if err := c.conn.CallUnary(ctx, args, r, method, c.timeout); err != nil {
		return nil, err
	}
	return r, nil
}
