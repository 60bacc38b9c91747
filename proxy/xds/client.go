package xds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"

	"github.com/skiffmesh/skiff/proxy/stats"
)

// Client is an ADS client. Make one with New and run it with Run.
type Client struct {
	opts   Options
	log    *slog.Logger
	stats  *clientStats
	conn   *grpc.ClientConn
	ads    discoveryv3.AggregatedDiscoveryServiceClient
	events chan func()
	done   chan struct{} // closed when Run returns
	ctx    context.Context

	initialized chan struct{}
	initDone    bool

	// mu is held by the run goroutine while it handles an event, and by Dump.
	mu    sync.Mutex
	st    stream // the current stream; nil while disconnected
	gen   int    // generation of st: events of older streams are dropped
	bo    backoff
	types map[string]*typeState
	res   *resources
	// cdsTimedOut and ldsTimedOut are set when the first CDS or LDS response did not come within
	// initial_fetch_timeout.
	cdsTimedOut, ldsTimedOut bool
}

// typeOrder is the order subscriptions are sent in on a new stream, as Envoy does.
var typeOrder = [...]string{ClusterType, ListenerType, EndpointType, RouteType}

// New makes a client; it connects when Run is called.
func New(opts Options) (*Client, error) {
	if opts.Config == nil || opts.Target == nil {
		return nil, errors.New("xds: Config and Target are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Stats == nil {
		opts.Stats = stats.NewStore(1)
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = DefaultBackoffBase
	}
	if opts.BackoffMax < opts.BackoffBase {
		opts.BackoffMax = max(DefaultBackoffMax, opts.BackoffBase)
	}
	conn, err := dial(opts)
	if err != nil {
		return nil, err
	}
	c := &Client{
		opts: opts, log: opts.Logger.With("component", "xds"), stats: newClientStats(opts.Stats),
		conn: conn, ads: discoveryv3.NewAggregatedDiscoveryServiceClient(conn),
		events: make(chan func(), 64), done: make(chan struct{}), initialized: make(chan struct{}),
		bo:    backoff{base: opts.BackoffBase, max: opts.BackoffMax},
		types: newTypeStates(opts.Config),
	}
	c.res = newResources(c)
	return c, nil
}

// Initialized is closed once the first complete configuration is installed: the first CDS and
// LDS responses (or their initial_fetch_timeout), and every cluster and listener they brought
// warmed (or timed out).
func (c *Client) Initialized() <-chan struct{} { return c.initialized }

// Run connects and serves the ADS stream until ctx ends, reconnecting as needed, then closes the
// connection. Call it once.
func (c *Client) Run(ctx context.Context) {
	defer close(c.done)
	defer func() { _ = c.conn.Close() }()
	c.ctx = ctx
	c.mu.Lock()
	c.startInitTimers()
	c.connect()
	c.checkInitialized() // nothing to wait for when the bootstrap has neither lds_config nor cds_config
	c.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			c.mu.Lock()
			if c.st != nil {
				c.st.close()
			}
			c.res.stopTimers()
			c.mu.Unlock()
			return
		case fn := <-c.events:
			c.mu.Lock()
			fn()
			c.checkInitialized()
			c.mu.Unlock()
		}
	}
}

// post runs fn on the run goroutine; dropped once Run has returned.
func (c *Client) post(fn func()) {
	select {
	case c.events <- fn:
	case <-c.done:
	}
}

// after runs fn on the run goroutine after d. The returned timer may be stopped.
func (c *Client) after(d time.Duration, fn func()) *time.Timer {
	return time.AfterFunc(d, func() { c.post(fn) })
}

// connect opens a new stream in the background.
func (c *Client) connect() {
	c.gen++
	gen := c.gen
	go func() {
		var st stream
		var err error
		node, once := c.opts.Node, c.opts.Config.SetNodeOnFirstMessageOnly
		if c.opts.Config.Delta {
			st, err = openDelta(c.ctx, c.ads, node, once)
		} else {
			st, err = openSotW(c.ctx, c.ads, node, once)
		}
		c.post(func() { c.opened(gen, st, err) })
	}()
}

// opened starts using a new stream: it sends the subscriptions and starts receiving.
func (c *Client) opened(gen int, st stream, err error) {
	if gen != c.gen || c.ctx.Err() != nil {
		if st != nil {
			st.close()
		}
		return
	}
	if err != nil {
		c.retry(err)
		return
	}
	c.st = st
	c.stats.connected.Set(1)
	for _, url := range typeOrder {
		if r := c.types[url].subscribe(c.opts.Config.Delta); r != nil {
			if err := st.send(r); err != nil {
				c.closed(gen, err)
				return
			}
		}
	}
	go func() {
		for {
			r, err := st.recv()
			if err != nil {
				c.post(func() { c.closed(gen, err) })
				return
			}
			c.post(func() { c.handle(gen, r) })
		}
	}()
}

// closed drops a broken stream and schedules a reconnect; what was installed keeps serving.
func (c *Client) closed(gen int, err error) {
	if gen != c.gen || c.st == nil {
		return
	}
	c.st.close()
	c.st = nil
	c.stats.connected.Set(0)
	for url, t := range c.types {
		if t.enabled && (t.wildcard || len(t.names) > 0) {
			c.stats.byType[url].failure.Inc(stats.Shared) // Envoy: update_failure on a broken stream
		}
		t.disconnected()
	}
	c.retry(err)
}

// retry schedules the next connection attempt after the back-off.
func (c *Client) retry(err error) {
	if c.ctx.Err() != nil {
		return
	}
	d := c.bo.next()
	c.log.Warn("control plane stream failed; retrying", "err", err, "in", d)
	c.gen++ // a stream opened before this point is stale
	c.after(d, c.connect)
}

// handle applies one response and answers it with an ACK or a NACK, then sends the
// subscription changes it caused.
func (c *Client) handle(gen int, r *response) {
	if gen != c.gen || c.st == nil {
		return
	}
	c.bo.reset()
	t, ok := c.types[r.typeURL]
	if !ok {
		c.send(&request{typeURL: r.typeURL, nonce: r.nonce, nack: fmt.Errorf("type %s is not supported", r.typeURL)})
		return
	}
	t.nonce = r.nonce
	ts := c.stats.byType[r.typeURL]
	ts.attempt.Inc(stats.Shared)
	start := time.Now()
	err := c.res.apply(t, r)
	c.log.Debug("xDS response handled", "type", r.typeURL, "version", r.version, "resources", len(r.items),
		"removed", len(r.removed), "took", time.Since(start))
	t.received = true
	if err != nil {
		ts.rejected.Inc(stats.Shared)
		c.log.Warn("rejected xDS update", "type", r.typeURL, "version", r.version, "err", err)
	} else {
		ts.success.Inc(stats.Shared)
		t.accepted(r)
		ts.setVersion(t.version)
	}
	c.answer(t, r, err)
	for _, url := range typeOrder {
		if req := c.types[url].resubscribe(c.opts.Config.Delta); req != nil {
			c.send(req)
		}
	}
}

// answer ACKs or NACKs r. A state-of-the-world server that does not track NACKs (such as
// go-control-plane's snapshot cache) answers a NACK with the same version at once; a NACK of a
// version already NACKed is therefore held back with the reconnect back-off, so that the two
// sides do not spin while the control plane serves a bad configuration.
func (c *Client) answer(t *typeState, r *response, err error) {
	req := t.ack(c.opts.Config.Delta, r.nonce, err)
	repeated := err != nil && !c.opts.Config.Delta && t.nacked == r.version
	if err == nil {
		t.nacked, t.nackRepeats = "", 0
	} else {
		t.nacked = r.version
	}
	if !repeated {
		c.send(req)
		return
	}
	t.nackRepeats++
	d := min(c.opts.BackoffBase<<min(t.nackRepeats, 16), c.opts.BackoffMax)
	gen := c.gen
	c.after(d, func() {
		if gen == c.gen {
			c.send(req)
		}
	})
}

// send sends r on the current stream; a failure ends the stream.
func (c *Client) send(r *request) {
	if c.st == nil {
		return
	}
	if err := c.st.send(r); err != nil {
		c.closed(c.gen, err)
	}
}
