package config

// ClusterType is how a cluster finds its endpoints.
type ClusterType int

const (
	// Static clusters list their endpoints as IP addresses in load_assignment.
	Static ClusterType = iota
	// StrictDNS clusters resolve every endpoint's hostname every DNSRefreshRate and use all the
	// addresses returned.
	StrictDNS
	// OriginalDst clusters connect to the original destination of the downstream connection (the
	// accepted socket's local address under transparent interception); they list no endpoints.
	OriginalDst
	// EDS clusters get their endpoints from ClusterLoadAssignments delivered over xDS (eds.go).
	EDS
)

// String returns Envoy's name for the type.
func (t ClusterType) String() string {
	switch t {
	case Static:
		return "STATIC"
	case StrictDNS:
		return "STRICT_DNS"
	case OriginalDst:
		return "ORIGINAL_DST"
	case EDS:
		return "EDS"
	}
	return "ClusterType(?)"
}

// LBPolicy is how a cluster picks an endpoint for a new connection or request.
type LBPolicy int

const (
	// RoundRobin cycles through the endpoints, honouring weights (the default).
	RoundRobin LBPolicy = iota
	// LeastRequest picks the endpoint with the fewest active requests among
	// Cluster.LeastRequestChoices random choices.
	LeastRequest
	// Random picks an endpoint at random, honouring weights.
	Random
	// ClusterProvided leaves the choice to the cluster (ORIGINAL_DST: the original destination).
	ClusterProvided
)

// String returns Envoy's name for the policy.
func (p LBPolicy) String() string {
	switch p {
	case RoundRobin:
		return "ROUND_ROBIN"
	case LeastRequest:
		return "LEAST_REQUEST"
	case Random:
		return "RANDOM"
	case ClusterProvided:
		return "CLUSTER_PROVIDED"
	}
	return "LBPolicy(?)"
}

// DNSFamily is which address families a DNS cluster resolves.
type DNSFamily int

const (
	// DNSAuto asks for IPv6 addresses and falls back to IPv4 when there are none (Envoy's AUTO,
	// the default).
	DNSAuto DNSFamily = iota
	// DNSV4Only uses IPv4 addresses only.
	DNSV4Only
	// DNSV6Only uses IPv6 addresses only.
	DNSV6Only
	// DNSV4Preferred asks for IPv4 addresses and falls back to IPv6 when there are none.
	DNSV4Preferred
	// DNSAll uses the addresses of both families.
	DNSAll
)

// String returns Envoy's name for the family setting.
func (f DNSFamily) String() string {
	switch f {
	case DNSAuto:
		return "AUTO"
	case DNSV4Only:
		return "V4_ONLY"
	case DNSV6Only:
		return "V6_ONLY"
	case DNSV4Preferred:
		return "V4_PREFERRED"
	case DNSAll:
		return "ALL"
	}
	return "DNSFamily(?)"
}
