package config

import (
	"strings"
	"time"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// Envoy's http_connection_manager defaults.
const (
	DefaultMaxRequestHeadersKB = 60
	DefaultHTTPIdleTimeout     = time.Hour
	routerTypeName             = "envoy.extensions.filters.http.router.v3.Router"
)

// HTTPConnectionManager is a translated envoy.filters.network.http_connection_manager. The route
// configuration and the HTTP filters' configs are checked and compiled by their own packages
// (proxy/route and the filter registry) when the listener is built.
type HTTPConnectionManager struct {
	// StatPrefix prefixes the stats (`http.<stat_prefix>.`); never empty.
	StatPrefix string
	// RouteConfig is the inline route_config; nil when RDSName is set.
	RouteConfig *routev3.RouteConfiguration
	// RDSName is rds.route_config_name: the route configuration comes over xDS (dynamic_rds.go).
	RDSName string
	// Filters are the http_filters before the router, in order.
	Filters []HTTPFilter
	// AccessLogs are the access loggers, written once per request.
	AccessLogs []AccessLog
	// MaxRequestHeadersKB bounds a request head (default 60); larger heads get 431.
	MaxRequestHeadersKB uint32
	// GenerateRequestID sets x-request-id when a request has none (Envoy's default: on).
	GenerateRequestID bool
	// PreserveExternalRequestID keeps an x-request-id the client sent (edge proxies).
	PreserveExternalRequestID bool
	// AlwaysSetRequestIDInResponse copies x-request-id into responses.
	AlwaysSetRequestIDInResponse bool
	// UseRemoteAddress appends the peer address to x-forwarded-for (edge proxies).
	UseRemoteAddress bool
	// SkipXffAppend leaves x-forwarded-for alone.
	SkipXffAppend bool
	// XffNumTrustedHops is how many x-forwarded-for entries are trusted.
	XffNumTrustedHops uint32
	// ServerName is the server header of local replies (default "envoy" as in Envoy; Skiff
	// uses "skiff" unless set).
	ServerName string
	// IdleTimeout closes a downstream connection with no request for this long
	// (common_http_protocol_options.idle_timeout, default 1h; 0 = off).
	IdleTimeout time.Duration
	// UpgradeWebSocket lets `Upgrade: websocket` requests through; a 101
	// response turns the connection into a byte tunnel (upgrade_configs).
	UpgradeWebSocket bool
	// Source is the config this was translated from.
	Source *hcmv3.HttpConnectionManager
}

// HTTPFilter is one configured HTTP filter (not the router).
type HTTPFilter struct {
	// Name is the filter's configured name (e.g. envoy.filters.http.fault).
	Name string
	// TypeName is the config's message name, the registry key.
	TypeName string
	// Config is the decoded typed_config.
	Config proto.Message
}

// translateHCM translates an http_connection_manager typed_config at path.
func translateHCM(probs *problems, path string, m *hcmv3.HttpConnectionManager) *HTTPConnectionManager {
	out := &HTTPConnectionManager{
		StatPrefix: m.GetStatPrefix(), RouteConfig: m.GetRouteConfig(), Source: m,
		MaxRequestHeadersKB: DefaultMaxRequestHeadersKB, GenerateRequestID: true,
		ServerName: "skiff", IdleTimeout: DefaultHTTPIdleTimeout,
		PreserveExternalRequestID:    m.GetPreserveExternalRequestId(),
		AlwaysSetRequestIDInResponse: m.GetAlwaysSetRequestIdInResponse(),
		UseRemoteAddress:             m.GetUseRemoteAddress().GetValue(),
		SkipXffAppend:                m.GetSkipXffAppend(),
		XffNumTrustedHops:            m.GetXffNumTrustedHops(),
	}
	if out.StatPrefix == "" {
		probs.addf(joinPath(path, "stat_prefix"), "required")
	}
	switch m.GetCodecType() {
	case hcmv3.HttpConnectionManager_AUTO, hcmv3.HttpConnectionManager_HTTP1:
	default:
		probs.addf(joinPath(path, "codec_type"), "%s %w (HTTP/1.1 only for now)", m.GetCodecType(), ErrUnsupported)
	}
	out.RDSName = rdsName(probs, path, m)
	if v := m.GetMaxRequestHeadersKb(); v != nil {
		out.MaxRequestHeadersKB = v.GetValue()
	}
	if v := m.GetGenerateRequestId(); v != nil {
		out.GenerateRequestID = v.GetValue()
	}
	if m.GetServerName() != "" {
		out.ServerName = m.GetServerName()
	}
	if d := m.GetCommonHttpProtocolOptions().GetIdleTimeout(); d != nil {
		out.IdleTimeout = d.AsDuration()
		if out.IdleTimeout < 0 {
			probs.addf(joinPath(path, "common_http_protocol_options.idle_timeout"), "must not be negative")
		}
	}
	// Accepted only when they ask for what Skiff does (no such timeout, no path rewriting).
	for name, set := range map[string]bool{
		"stream_idle_timeout":     m.GetStreamIdleTimeout().AsDuration() != 0,
		"request_timeout":         m.GetRequestTimeout().AsDuration() != 0,
		"request_headers_timeout": m.GetRequestHeadersTimeout().AsDuration() != 0,
		"normalize_path":          m.GetNormalizePath().GetValue(),
		"merge_slashes":           m.GetMergeSlashes(),
	} {
		if set {
			probs.addf(joinPath(path, name), "%w (only a disabled value is accepted for now)", ErrUnsupported)
		}
	}
	for i, u := range m.GetUpgradeConfigs() {
		if !strings.EqualFold(u.GetUpgradeType(), "websocket") || len(u.GetFilters()) > 0 {
			probs.addf(index(joinPath(path, "upgrade_configs"), i), "only upgrade_type websocket without filters is %w", ErrUnsupported)
			continue
		}
		out.UpgradeWebSocket = u.GetEnabled() == nil || u.GetEnabled().GetValue()
	}
	out.Filters = httpFilters(probs, joinPath(path, "http_filters"), m.GetHttpFilters())
	out.AccessLogs = translateAccessLogs(probs, joinPath(path, "access_log"), m.GetAccessLog())
	return out
}

// httpFilters decodes http_filters: any number of filters, then the router, last.
func httpFilters(probs *problems, path string, fs []*hcmv3.HttpFilter) []HTTPFilter {
	if len(fs) == 0 || fs[len(fs)-1].GetTypedConfig().GetTypeUrl() != "type.googleapis.com/"+routerTypeName {
		probs.addf(path, "the last filter must be envoy.filters.http.router")
		return nil
	}
	var out []HTTPFilter
	for i, f := range fs[:len(fs)-1] {
		fpath := index(path, i)
		if _, skip := telemetryFilter(f.GetName(), f.GetTypedConfig()); skip {
			continue // telemetry only (istio.go); counted by Listener.SkippedFilters
		}
		tc := f.GetTypedConfig()
		if tc == nil {
			probs.addf(joinPath(fpath, "typed_config"), "required")
			continue
		}
		msg, err := anypb.UnmarshalNew(tc, proto.UnmarshalOptions{})
		if err != nil {
			probs.addf(joinPath(fpath, "typed_config"), "%v", err)
			continue
		}
		name := string(msg.ProtoReflect().Descriptor().FullName())
		if inner, ok := typedStructURL(tc); ok {
			name = typeURLName(inner) // Skiff's own filters (e.g. filters/stats) come as TypedStructs
		}
		if name == routerTypeName {
			probs.addf(fpath, "the router must be the last filter")
			continue
		}
		out = append(out, HTTPFilter{Name: f.GetName(), TypeName: name, Config: msg})
	}
	return out
}
