package route

import (
	"fmt"
	"slices"
	"strings"
	"time"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// Envoy's retry defaults.
const (
	DefaultNumRetries  = 1
	DefaultBackOffBase = 25 * time.Millisecond
	// A back-off without max_interval caps at ten times its base interval (250ms by default).
	backOffMaxFactor = 10
)

// RetryOn is the set of retry_on conditions of a retry policy.
type RetryOn uint8

// The retry_on conditions Skiff implements, with Envoy's names.
const (
	// Retry5xx ("5xx") retries a 5xx response and every failure without a response
	// (connect failure, reset, refused stream, per-try timeout).
	Retry5xx RetryOn = 1 << iota
	// RetryGatewayError ("gateway-error") retries 502, 503 and 504 responses and every failure
	// without a response.
	RetryGatewayError
	// RetryReset ("reset") retries every failure without a response.
	RetryReset
	// RetryConnectFailure ("connect-failure") retries a failed upstream connect.
	RetryConnectFailure
	// RetryRetriableStatusCodes ("retriable-status-codes") retries a response whose status is in
	// RetryPolicy.RetriableStatusCodes.
	RetryRetriableStatusCodes
	// RetryRefusedStream ("refused-stream") retries a stream the upstream refused (HTTP/2
	// REFUSED_STREAM).
	RetryRefusedStream
)

// retryOnName is one retry_on name.
type retryOnName struct {
	name string
	on   RetryOn
}

// retryOnNames maps Envoy's retry_on names to conditions; the order is String's.
var retryOnNames = []retryOnName{
	{"5xx", Retry5xx}, {"gateway-error", RetryGatewayError}, {"reset", RetryReset},
	{"connect-failure", RetryConnectFailure}, {"retriable-status-codes", RetryRetriableStatusCodes},
	{"refused-stream", RetryRefusedStream},
}

// String returns the conditions in Envoy's retry_on syntax, such as "5xx,connect-failure".
func (o RetryOn) String() string {
	var names []string
	for _, n := range retryOnNames {
		if o&n.on != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// Failure is how an upstream attempt failed without a response.
type Failure uint8

const (
	// FailureReset is a reset or disconnect of the upstream stream, or a per-try timeout.
	FailureReset Failure = iota
	// FailureConnect is a failed connect to the upstream.
	FailureConnect
	// FailureRefusedStream is a stream the upstream refused before processing it.
	FailureRefusedStream
)

// RetryPolicy is a compiled retry_policy (of the route, else of its virtual host).
type RetryPolicy struct {
	// On is the set of retry_on conditions; a policy without any never retries.
	On RetryOn
	// NumRetries is the most retries after the first attempt (num_retries, default 1).
	NumRetries uint32
	// PerTryTimeout bounds each attempt; 0 means only the route timeout applies.
	PerTryTimeout time.Duration
	// BackOffBase and BackOffMax are retry_back_off's intervals (default 25ms and 250ms; the max
	// defaults to ten times the base). Envoy's back-off waits a random time in
	// [0, min(BackOffBase * (2^n - 1), BackOffMax)] before retry n.
	BackOffBase, BackOffMax time.Duration
	// RetriableStatusCodes are the statuses retried under RetryRetriableStatusCodes.
	RetriableStatusCodes []uint32
}

// RetriesStatus reports whether a response with status code is retriable under the policy.
func (p *RetryPolicy) RetriesStatus(code int) bool {
	switch {
	case p.On&Retry5xx != 0 && code >= 500 && code <= 599:
		return true
	case p.On&RetryGatewayError != 0 && code >= 502 && code <= 504:
		return true
	case p.On&RetryRetriableStatusCodes != 0:
		return code >= 0 && slices.Contains(p.RetriableStatusCodes, uint32(code))
	}
	return false
}

// RetriesFailure reports whether an attempt that failed without a response is retriable under
// the policy (Envoy's RetryStateImpl::wouldRetryFromReset).
func (p *RetryPolicy) RetriesFailure(f Failure) bool {
	switch {
	case p.On&(Retry5xx|RetryGatewayError|RetryReset) != 0:
		return true
	case f == FailureConnect:
		return p.On&RetryConnectFailure != 0
	case f == FailureRefusedStream:
		return p.On&RetryRefusedStream != 0
	}
	return false
}

// compileRetryPolicy compiles the RetryPolicy at path.
func compileRetryPolicy(probs *problems, path string, rp *routev3.RetryPolicy) *RetryPolicy {
	p := &RetryPolicy{
		NumRetries:           DefaultNumRetries,
		BackOffBase:          DefaultBackOffBase,
		BackOffMax:           DefaultBackOffBase * backOffMaxFactor,
		RetriableStatusCodes: slices.Clone(rp.GetRetriableStatusCodes()),
	}
	p.On = parseRetryOn(probs, joinPath(path, "retry_on"), rp.GetRetryOn())
	if n := rp.GetNumRetries(); n != nil {
		p.NumRetries = n.GetValue()
	}
	if d := rp.GetPerTryTimeout(); d != nil {
		p.PerTryTimeout, _ = duration(probs, joinPath(path, "per_try_timeout"), d, 0)
	}
	if bo := rp.GetRetryBackOff(); bo != nil {
		retryBackOff(probs, joinPath(path, "retry_back_off"), bo, p)
	}
	return p
}

// parseRetryOn parses Envoy's comma-separated retry_on list. Unknown or unimplemented names are
// errors; spaces around names are ignored.
func parseRetryOn(probs *problems, path, s string) RetryOn {
	var on RetryOn
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		i := slices.IndexFunc(retryOnNames, func(n retryOnName) bool { return n.name == name })
		if i < 0 {
			probs.Add(path, fmt.Errorf("condition %q %w (supported: %s)", name, ErrUnsupported, RetryOn(0xff)))
			continue
		}
		on |= retryOnNames[i].on
	}
	return on
}

// retryBackOff reads retry_back_off at path into p.
func retryBackOff(probs *problems, path string, bo *routev3.RetryPolicy_RetryBackOff, p *RetryPolicy) {
	if bo.GetBaseInterval() == nil {
		probs.Addf(joinPath(path, "base_interval"), "required")
		return
	}
	base, ok := duration(probs, joinPath(path, "base_interval"), bo.GetBaseInterval(), 1)
	if !ok {
		return
	}
	base = max(base, time.Millisecond) // Envoy rounds sub-millisecond intervals up
	p.BackOffBase, p.BackOffMax = base, base*backOffMaxFactor
	if bo.GetMaxInterval() == nil {
		return
	}
	maxd, ok := duration(probs, joinPath(path, "max_interval"), bo.GetMaxInterval(), 1)
	maxd = max(maxd, time.Millisecond)
	if ok && maxd < base {
		probs.Addf(joinPath(path, "max_interval"), "%v is less than base_interval %v", maxd, base)
	}
	p.BackOffMax = maxd
}
