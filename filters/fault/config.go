// Package fault is Envoy's envoy.filters.http.fault: it delays and/or aborts
// a share of requests, configured as Envoy's
// envoy.extensions.filters.http.fault.v3.HTTPFault, with the same
// header-controlled faults (x-envoy-fault-delay-request,
// x-envoy-fault-abort-request and their -percentage variants).
package fault

import (
	"errors"
	"fmt"
	"math"
	"time"

	commonv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/common/fault/v3"
	faultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/proto"

	"github.com/skiffmesh/skiff/filters"
)

// TypeName is the config type this filter is registered under.
const TypeName = "envoy.extensions.filters.http.fault.v3.HTTPFault"

// Header names of header-controlled faults, as in Envoy.
const (
	HeaderDelay           = "x-envoy-fault-delay-request"
	HeaderDelayPercentage = "x-envoy-fault-delay-request-percentage"
	HeaderAbort           = "x-envoy-fault-abort-request"
	HeaderAbortPercentage = "x-envoy-fault-abort-request-percentage"
	HeaderDownstreamNode  = "x-envoy-downstream-service-node"
)

// ErrUnsupported marks config fields this filter does not implement.
var ErrUnsupported = errors.New("not supported")

// percent is a FractionalPercent: numerator out of denominator.
type percent struct{ num, den uint32 }

func newPercent(p *typev3.FractionalPercent) percent {
	den := uint32(100)
	switch p.GetDenominator() {
	case typev3.FractionalPercent_TEN_THOUSAND:
		den = 10_000
	case typev3.FractionalPercent_MILLION:
		den = 1_000_000
	}
	return percent{num: min(p.GetNumerator(), den), den: den}
}

// config is a compiled HTTPFault.
type config struct {
	delay       time.Duration // fixed delay; 0 with headerDelay false = no delay fault
	headerDelay bool
	delayPct    percent
	hasDelay    bool

	abortStatus int // fixed status; 0 with headerAbort false = no abort fault
	headerAbort bool
	abortPct    percent
	hasAbort    bool

	matchers  []headerMatcher
	nodes     map[string]bool
	maxActive int64 // 0 = unlimited
}

func compile(cfg *faultv3.HTTPFault) (*config, error) {
	if err := unsupported(cfg); err != nil {
		return nil, err
	}
	c := &config{}
	if d := cfg.GetDelay(); d != nil {
		c.hasDelay = true
		c.delayPct = newPercent(d.GetPercentage())
		switch s := d.GetFaultDelaySecifier().(type) {
		case *commonv3.FaultDelay_FixedDelay:
			c.delay = s.FixedDelay.AsDuration()
			if c.delay <= 0 {
				return nil, fmt.Errorf("delay.fixed_delay: must be positive")
			}
		case *commonv3.FaultDelay_HeaderDelay_:
			c.headerDelay = true
		default:
			return nil, fmt.Errorf("delay: fixed_delay or header_delay is required")
		}
	}
	if a := cfg.GetAbort(); a != nil {
		c.hasAbort = true
		c.abortPct = newPercent(a.GetPercentage())
		switch s := a.GetErrorType().(type) {
		case *faultv3.FaultAbort_HttpStatus:
			if s.HttpStatus < 200 || s.HttpStatus > 599 {
				return nil, fmt.Errorf("abort.http_status: %d is not in 200..599", s.HttpStatus)
			}
			c.abortStatus = int(s.HttpStatus)
		case *faultv3.FaultAbort_HeaderAbort_:
			c.headerAbort = true
		case *faultv3.FaultAbort_GrpcStatus:
			return nil, fmt.Errorf("abort.grpc_status: %w", ErrUnsupported)
		default:
			return nil, fmt.Errorf("abort: http_status or header_abort is required")
		}
	}
	for i, h := range cfg.GetHeaders() {
		m, err := compileMatcher(h)
		if err != nil {
			return nil, fmt.Errorf("headers[%d]: %w", i, err)
		}
		c.matchers = append(c.matchers, m)
	}
	if len(cfg.GetDownstreamNodes()) > 0 {
		c.nodes = map[string]bool{}
		for _, n := range cfg.GetDownstreamNodes() {
			c.nodes[n] = true
		}
	}
	if m := cfg.GetMaxActiveFaults(); m != nil {
		c.maxActive = int64(m.GetValue())
		if c.maxActive == 0 {
			c.maxActive = math.MinInt64 // explicit 0: no fault may be active
		}
	}
	return c, nil
}

// unsupported rejects the HTTPFault fields Skiff does not implement.
func unsupported(cfg *faultv3.HTTPFault) error {
	for name, set := range map[string]bool{
		"upstream_cluster":                    cfg.GetUpstreamCluster() != "",
		"response_rate_limit":                 cfg.GetResponseRateLimit() != nil,
		"delay_percent_runtime":               cfg.GetDelayPercentRuntime() != "",
		"abort_percent_runtime":               cfg.GetAbortPercentRuntime() != "",
		"delay_duration_runtime":              cfg.GetDelayDurationRuntime() != "",
		"abort_http_status_runtime":           cfg.GetAbortHttpStatusRuntime() != "",
		"max_active_faults_runtime":           cfg.GetMaxActiveFaultsRuntime() != "",
		"response_rate_limit_percent_runtime": cfg.GetResponseRateLimitPercentRuntime() != "",
		"abort_grpc_status_runtime":           cfg.GetAbortGrpcStatusRuntime() != "",
		"filter_metadata":                     cfg.GetFilterMetadata() != nil,
	} {
		if set {
			return fmt.Errorf("%s: %w", name, ErrUnsupported)
		}
	}
	return nil
}

// Build is the filters.Build of the fault filter.
func Build(msg proto.Message, d filters.Deps) (filters.Factory, error) {
	cfg, ok := msg.(*faultv3.HTTPFault)
	if !ok {
		return nil, fmt.Errorf("fault: config is %T, want HTTPFault", msg)
	}
	c, err := compile(cfg)
	if err != nil {
		return nil, fmt.Errorf("fault: %w", err)
	}
	return newFactory(c, d), nil
}

// Register adds the fault filter to r.
func Register(r *filters.Registry) { r.Register(TypeName, Build) }
