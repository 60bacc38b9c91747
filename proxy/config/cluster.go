package config

import (
	"net/netip"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// Envoy's cluster defaults.
const (
	DefaultConnectTimeout = 5 * time.Second
	DefaultDNSRefreshRate = 5 * time.Second
	// DefaultCleanupInterval is Envoy's cleanup_interval for ORIGINAL_DST clusters.
	DefaultCleanupInterval = 5 * time.Second
	defaultChoiceCount     = 2
	minDNSRefreshRate      = time.Millisecond
)

// Cluster is a translated Envoy Cluster: a named set of upstream endpoints and how to pick and
// connect to them. It is immutable.
type Cluster struct {
	// Name is the cluster name, unique within a snapshot.
	Name string
	// Type is how endpoints are found: Static, StrictDNS, OriginalDst or EDS.
	Type ClusterType
	// EDSServiceName is the ClusterLoadAssignment an EDS cluster subscribes to:
	// eds_cluster_config.service_name, or the cluster name when unset (eds.go).
	EDSServiceName string
	// ConnectTimeout bounds each upstream connect (default 5s; always > 0).
	ConnectTimeout time.Duration
	// LBPolicy is the load-balancing policy (default RoundRobin).
	LBPolicy LBPolicy
	// LeastRequestChoices is least_request_lb_config.choice_count (default 2; at least 2).
	LeastRequestChoices uint32
	// DNSRefreshRate is how often a StrictDNS cluster re-resolves (default 5s; at least 1ms).
	DNSRefreshRate time.Duration
	// DNSLookupFamily is which address families a StrictDNS cluster uses (default DNSAuto).
	DNSLookupFamily DNSFamily
	// BufferLimit is per_connection_buffer_limit_bytes for upstream connections (default 1 MiB).
	BufferLimit uint32
	// Thresholds are the circuit breaker limits at priority DEFAULT. Limits not configured have
	// Envoy's defaults: 1024 connections, 1024 pending requests, 1024 requests, 3 retries.
	Thresholds Thresholds
	// HighThresholds are the circuit breaker limits at priority HIGH, with the same defaults.
	HighThresholds Thresholds
	// Endpoints are load_assignment.endpoints[].lb_endpoints[] flattened, in config order.
	Endpoints []Endpoint
	// SourceAddress is upstream_bind_config.source_address: the local address upstream
	// connections bind to (e.g. 127.0.0.6 for Istio's inbound passthrough); invalid when unset.
	SourceAddress netip.Addr
	// CleanupInterval is how often an OriginalDst cluster forgets destinations that have no
	// connections (cleanup_interval, default 5s).
	CleanupInterval time.Duration
	// Subset is lb_subset_config (subset.go): the subset load balancer; nil when not set.
	Subset *SubsetConfig
	// Source is the resource this cluster was translated from. Do not modify it.
	Source *clusterv3.Cluster
}

// Thresholds are circuit breaker limits; a request or connection over a limit fails fast.
type Thresholds struct {
	MaxConnections     uint32
	MaxPendingRequests uint32
	MaxRequests        uint32
	MaxRetries         uint32
}

// defaultThresholds returns Envoy's circuit breaker defaults, used for every limit not configured.
func defaultThresholds() Thresholds {
	return Thresholds{MaxConnections: 1024, MaxPendingRequests: 1024, MaxRequests: 1024, MaxRetries: 3}
}

// TranslateCluster checks and compiles one Envoy Cluster, as it comes from a bootstrap or from CDS.
// Errors are FieldErrors (joined) naming the cluster and the field path.
func TranslateCluster(c *clusterv3.Cluster) (*Cluster, error) {
	return translateCluster(c, "")
}

// translateCluster translates c whose fields are at base (empty for a resource on its own).
func translateCluster(c *clusterv3.Cluster, base string) (*Cluster, error) {
	probs := &problems{resource: resourceLabel("cluster", c.GetName()), base: base}
	if c == nil {
		probs.addf("", "missing")
		return nil, probs.err()
	}
	checkFields(c, probs)
	if len(probs.errs) > 0 {
		return nil, probs.err()
	}
	out := &Cluster{Name: c.GetName(), Source: c}
	if out.Name == "" {
		probs.addf("name", "required")
	}
	clusterType(probs, c, out)
	clusterConnections(probs, c, out)
	clusterBalancing(probs, c, out)
	clusterDNS(probs, c, out)
	out.Subset = translateSubset(probs, c.GetLbSubsetConfig())
	protocolOptions(probs, c, base)
	out.Endpoints = endpoints(probs, c.GetLoadAssignment(), out.Type)
	if len(probs.errs) == 0 {
		validate(probs, "", c)
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// clusterType reads the discovery type: STATIC (the default) or STRICT_DNS.
func clusterType(probs *problems, c *clusterv3.Cluster, out *Cluster) {
	switch c.GetType() {
	case clusterv3.Cluster_STATIC:
		out.Type = Static
	case clusterv3.Cluster_STRICT_DNS:
		out.Type = StrictDNS
	case clusterv3.Cluster_EDS:
		edsCluster(probs, c, out)
	case clusterv3.Cluster_ORIGINAL_DST:
		out.Type = OriginalDst
		if la := c.GetLoadAssignment(); len(la.GetEndpoints()) > 0 {
			probs.addf("load_assignment.endpoints", "an ORIGINAL_DST cluster takes no endpoints")
		}
	default:
		probs.addf("type", "%s %w", c.GetType(), ErrUnsupported)
	}
}

// clusterConnections reads the connection settings: connect timeout, buffer limit, circuit breakers.
func clusterConnections(probs *problems, c *clusterv3.Cluster, out *Cluster) {
	out.ConnectTimeout = DefaultConnectTimeout
	if d := c.GetConnectTimeout(); d != nil {
		out.ConnectTimeout, _ = duration(probs, "connect_timeout", d, 1)
	}
	out.BufferLimit = bufferLimit(probs, c.GetPerConnectionBufferLimitBytes())
	out.CleanupInterval = DefaultCleanupInterval
	if d := c.GetCleanupInterval(); d != nil {
		out.CleanupInterval, _ = duration(probs, "cleanup_interval", d, time.Millisecond)
	}
	if bc := c.GetUpstreamBindConfig(); bc != nil {
		if ap, ok := socketAddr(probs, "upstream_bind_config.source_address", &corev3.Address{
			Address: &corev3.Address_SocketAddress{SocketAddress: bc.GetSourceAddress()},
		}, ephemeralOK); ok {
			if ap.Port() != 0 {
				probs.addf("upstream_bind_config.source_address.port_value", "must be 0 (any port)")
			}
			out.SourceAddress = ap.Addr()
		}
	}
	out.Thresholds, out.HighThresholds = defaultThresholds(), defaultThresholds()
	seen := map[corev3.RoutingPriority]int{}
	for i, t := range c.GetCircuitBreakers().GetThresholds() {
		path := index("circuit_breakers.thresholds", i)
		if j, dup := seen[t.GetPriority()]; dup {
			probs.addf(joinPath(path, "priority"), "%s already set by thresholds[%d]", t.GetPriority(), j)
			continue
		}
		seen[t.GetPriority()] = i
		switch t.GetPriority() {
		case corev3.RoutingPriority_DEFAULT:
			out.Thresholds = thresholds(t)
		case corev3.RoutingPriority_HIGH:
			out.HighThresholds = thresholds(t)
		default:
			probs.addf(joinPath(path, "priority"), "%s %w", t.GetPriority(), ErrUnsupported)
		}
	}
}

// thresholds reads one circuit_breakers.thresholds entry over Envoy's defaults.
func thresholds(t *clusterv3.CircuitBreakers_Thresholds) Thresholds {
	out := defaultThresholds()
	if v := t.GetMaxConnections(); v != nil {
		out.MaxConnections = v.GetValue()
	}
	if v := t.GetMaxPendingRequests(); v != nil {
		out.MaxPendingRequests = v.GetValue()
	}
	if v := t.GetMaxRequests(); v != nil {
		out.MaxRequests = v.GetValue()
	}
	if v := t.GetMaxRetries(); v != nil {
		out.MaxRetries = v.GetValue()
	}
	return out
}

// clusterBalancing reads the load-balancing policy and its options.
func clusterBalancing(probs *problems, c *clusterv3.Cluster, out *Cluster) {
	switch c.GetLbPolicy() {
	case clusterv3.Cluster_ROUND_ROBIN:
		out.LBPolicy = RoundRobin
	case clusterv3.Cluster_LEAST_REQUEST:
		out.LBPolicy = LeastRequest
	case clusterv3.Cluster_RANDOM:
		out.LBPolicy = Random
	case clusterv3.Cluster_CLUSTER_PROVIDED:
		out.LBPolicy = ClusterProvided
		if c.GetType() != clusterv3.Cluster_ORIGINAL_DST {
			probs.addf("lb_policy", "CLUSTER_PROVIDED needs type ORIGINAL_DST")
		}
	default:
		probs.addf("lb_policy", "%s %w", c.GetLbPolicy(), ErrUnsupported)
	}
	out.LeastRequestChoices = defaultChoiceCount
	if n := c.GetLeastRequestLbConfig().GetChoiceCount(); n != nil {
		out.LeastRequestChoices = n.GetValue()
		if n.GetValue() < defaultChoiceCount {
			probs.addf("least_request_lb_config.choice_count", "must be at least %d", defaultChoiceCount)
		}
	}
}

// clusterDNS reads the DNS settings (used by StrictDNS clusters only).
func clusterDNS(probs *problems, c *clusterv3.Cluster, out *Cluster) {
	out.DNSRefreshRate = DefaultDNSRefreshRate
	if d := c.GetDnsRefreshRate(); d != nil {
		out.DNSRefreshRate, _ = duration(probs, "dns_refresh_rate", d, minDNSRefreshRate)
	}
	switch c.GetDnsLookupFamily() {
	case clusterv3.Cluster_AUTO:
		out.DNSLookupFamily = DNSAuto
	case clusterv3.Cluster_V4_ONLY:
		out.DNSLookupFamily = DNSV4Only
	case clusterv3.Cluster_V6_ONLY:
		out.DNSLookupFamily = DNSV6Only
	case clusterv3.Cluster_V4_PREFERRED:
		out.DNSLookupFamily = DNSV4Preferred
	case clusterv3.Cluster_ALL:
		out.DNSLookupFamily = DNSAll
	default:
		probs.addf("dns_lookup_family", "%s %w", c.GetDnsLookupFamily(), ErrUnsupported)
	}
}
