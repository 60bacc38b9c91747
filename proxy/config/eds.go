package config

import (
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
)

// DefaultInitialFetchTimeout is Envoy's initial_fetch_timeout of a config source: how long a
// resource waits for its first xDS answer before it is used without it.
const DefaultInitialFetchTimeout = 15 * time.Second

// edsCluster reads an EDS cluster: eds_cluster_config with an ADS eds_config, and no
// load_assignment (the endpoints come from EDS).
func edsCluster(probs *problems, c *clusterv3.Cluster, out *Cluster) {
	out.Type = EDS
	out.EDSServiceName = c.GetName()
	ec := c.GetEdsClusterConfig()
	if ec == nil {
		probs.addf("eds_cluster_config", "required for type EDS")
		return
	}
	if ec.GetServiceName() != "" {
		out.EDSServiceName = ec.GetServiceName()
	}
	configSourceADS(probs, "eds_cluster_config.eds_config", ec.GetEdsConfig())
	if len(c.GetLoadAssignment().GetEndpoints()) > 0 {
		probs.addf("load_assignment.endpoints", "an EDS cluster takes its endpoints from EDS")
	}
}

// configSourceADS checks a ConfigSource that must say `ads: {}` (the only source Skiff reads
// resources from) and returns its initial_fetch_timeout (default 15s; 0 = wait forever).
func configSourceADS(probs *problems, path string, cs *corev3.ConfigSource) time.Duration {
	if cs == nil {
		probs.addf(path, "required")
		return 0
	}
	if cs.GetAds() == nil {
		probs.addf(path, "only ads: {} is %w as a config source", ErrUnsupported)
	}
	switch cs.GetResourceApiVersion() {
	case corev3.ApiVersion_AUTO, corev3.ApiVersion_V3:
	default:
		probs.addf(joinPath(path, "resource_api_version"), "%s %w (V3 only)", cs.GetResourceApiVersion(), ErrUnsupported)
	}
	if d := cs.GetInitialFetchTimeout(); d != nil {
		v, _ := duration(probs, joinPath(path, "initial_fetch_timeout"), d, 0)
		return v
	}
	return DefaultInitialFetchTimeout
}

// EDSInitialFetchTimeout is the initial_fetch_timeout of an EDS cluster's eds_config: how long it
// may warm before it is used without endpoints (default 15s; 0 = until they arrive).
func (c *Cluster) EDSInitialFetchTimeout() time.Duration {
	cs := c.Source.GetEdsClusterConfig().GetEdsConfig()
	if d := cs.GetInitialFetchTimeout(); d != nil {
		return d.AsDuration()
	}
	return DefaultInitialFetchTimeout
}

// TranslateLoadAssignment checks and flattens a ClusterLoadAssignment delivered by EDS into
// endpoints, in config order. Endpoints need IP addresses (EDS does not resolve names).
// Endpoints whose health_status is UNHEALTHY, DRAINING or TIMEOUT are left out, as Envoy does
// not balance to them. Errors are FieldErrors (joined) naming the assignment and the field path.
func TranslateLoadAssignment(cla *endpointv3.ClusterLoadAssignment) ([]Endpoint, error) {
	probs := &problems{resource: resourceLabel("cluster_load_assignment", cla.GetClusterName())}
	if cla == nil {
		probs.addf("", "missing")
		return nil, probs.err()
	}
	checkFields(cla, probs)
	if len(probs.errs) > 0 {
		return nil, probs.err()
	}
	if cla.GetClusterName() == "" {
		probs.addf("cluster_name", "required")
	}
	out := make([]Endpoint, 0, lbEndpointCount(cla))
	for i, loc := range cla.GetEndpoints() {
		lpath := index("endpoints", i)
		for j, lb := range loc.GetLbEndpoints() {
			if !servable(lb.GetHealthStatus()) {
				continue
			}
			if ep, ok := endpoint(probs, index(joinPath(lpath, "lb_endpoints"), j), lb, Static); ok {
				ep.Priority = loc.GetPriority()
				out = append(out, ep)
			}
		}
	}
	if len(probs.errs) == 0 {
		validate(probs, "", cla)
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// lbEndpointCount is the number of lb_endpoints of an assignment.
func lbEndpointCount(cla *endpointv3.ClusterLoadAssignment) int {
	n := 0
	for _, loc := range cla.GetEndpoints() {
		n += len(loc.GetLbEndpoints())
	}
	return n
}

// servable reports whether Envoy balances to an endpoint with health status h (without active
// health checking, UNKNOWN counts as healthy; DEGRADED hosts are used like healthy ones).
func servable(h corev3.HealthStatus) bool {
	switch h {
	case corev3.HealthStatus_UNHEALTHY, corev3.HealthStatus_DRAINING, corev3.HealthStatus_TIMEOUT:
		return false
	}
	return true
}
