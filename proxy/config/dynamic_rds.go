package config

import (
	"time"

	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
)

// rdsName reads the route specifier of an http_connection_manager at path: an inline
// route_config (returns "") or rds over ADS (returns rds.route_config_name).
func rdsName(probs *problems, path string, m *hcmv3.HttpConnectionManager) string {
	rds := m.GetRds()
	switch {
	case rds == nil && m.GetRouteConfig() == nil:
		probs.addf(joinPath(path, "route_config"), "route_config or rds is required")
		return ""
	case rds == nil:
		return ""
	}
	if rds.GetRouteConfigName() == "" {
		probs.addf(joinPath(path, "rds.route_config_name"), "required")
	}
	configSourceADS(probs, joinPath(path, "rds.config_source"), rds.GetConfigSource())
	return rds.GetRouteConfigName()
}

// RDSInitialFetchTimeout is the initial_fetch_timeout of the HCM's rds.config_source: how long a
// listener waits for its route configuration before it serves without it (default 15s; 0 = until
// it arrives). Zero when the HCM has an inline route_config.
func (h *HTTPConnectionManager) RDSInitialFetchTimeout() time.Duration {
	if h.RDSName == "" {
		return 0
	}
	if d := h.Source.GetRds().GetConfigSource().GetInitialFetchTimeout(); d != nil {
		return d.AsDuration()
	}
	return DefaultInitialFetchTimeout
}
