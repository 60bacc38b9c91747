package config

import (
	"errors"
	"strings"

	udpatypev1 "github.com/cncf/xds/go/udpa/type/v1"
	xdstypev3 "github.com/cncf/xds/go/xds/type/v3"
	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/skiffmesh/skiff/proxy/dubboroute"
)

// The Dubbo router: the terminal Dubbo filter, implicit when dubbo_filters is empty.
const (
	dubboRouterName     = "envoy.filters.dubbo.router"
	dubboRouterTypeName = "envoy.extensions.filters.network.dubbo_proxy.router.v3.Router"
)

// DubboProxy is a translated envoy.filters.network.dubbo_proxy: Dubbo RPC over hessian2, routed
// by interface, group, version, method, arguments and attachments. The route configurations and
// the Dubbo filters' configs are compiled by their own packages (proxy/dubboroute and the filter
// registry) when the listener is built.
type DubboProxy struct {
	// StatPrefix prefixes the stats (`dubbo.<stat_prefix>.`); never empty.
	StatPrefix string
	// Routes is route_config (or multiple_route_config.route_config), in order: the raw protos;
	// proxy/dubboroute compiles them (translation already ran dubboroute.Check on them).
	Routes []*dubbov3.RouteConfiguration
	// Filters are dubbo_filters except the terminal envoy.filters.dubbo.router, in order.
	Filters []DubboFilter
	// Source is the config this was translated from. Do not modify it.
	Source *dubbov3.DubboProxy
}

// DubboFilter is one configured Dubbo filter (not the router).
type DubboFilter struct {
	// Name is the filter's configured name.
	Name string
	// TypeName is the registry key: the config's message name, or for a TypedStruct
	// (xds.type.v3 or udpa.type.v1) the message name of the type_url it carries (the part after
	// the last '/'). Empty when the filter has no config.
	TypeName string
	// Config is the decoded config: the message itself, or the TypedStruct; nil when unset.
	Config proto.Message
}

// translateDubbo translates a dubbo_proxy typed_config at path. Unsupported fields (drds) were
// rejected by the walker; the route configurations are checked with dubboroute.Check.
func translateDubbo(probs *problems, path string, m *dubbov3.DubboProxy) *DubboProxy {
	out := &DubboProxy{StatPrefix: m.GetStatPrefix(), Source: m}
	if out.StatPrefix == "" {
		probs.addf(joinPath(path, "stat_prefix"), "required")
	}
	if m.GetProtocolType() != dubbov3.ProtocolType_Dubbo {
		probs.addf(joinPath(path, "protocol_type"), "%s %w (Dubbo only)", m.GetProtocolType(), ErrUnsupported)
	}
	if m.GetSerializationType() != dubbov3.SerializationType_Hessian2 {
		probs.addf(joinPath(path, "serialization_type"), "%s %w (Hessian2 only)", m.GetSerializationType(), ErrUnsupported)
	}
	routesPath := joinPath(path, "route_config")
	out.Routes = m.GetRouteConfig()
	if multi := m.GetMultipleRouteConfig(); multi != nil {
		if len(out.Routes) > 0 {
			probs.addf(joinPath(path, "multiple_route_config"), "route_config is set too: use one of them")
		}
		routesPath = joinPath(path, "multiple_route_config.route_config")
		out.Routes = multi.GetRouteConfig()
	}
	dubboRouteErrors(probs, routesPath, dubboroute.Check(out.Routes))
	out.Filters = dubboFilters(probs, joinPath(path, "dubbo_filters"), m.GetDubboFilters())
	if len(probs.errs) == 0 {
		validate(probs, path, m)
	}
	return out
}

// dubboRouteErrors records the errors of dubboroute.Check under path (the route_config list).
func dubboRouteErrors(probs *problems, path string, err error) {
	if err == nil {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var fe *dubboroute.FieldError
		if !errors.As(e, &fe) {
			probs.add(path, e)
			continue
		}
		inner := fe.Err
		if errors.Is(inner, dubboroute.ErrUnsupported) {
			inner = unsupportedError{inner}
		}
		probs.add(joinPath(index(path, fe.Index), fe.Path), inner)
	}
}

// unsupportedError keeps the text of an error from another package's allow-table and makes
// errors.Is(err, ErrUnsupported) hold for it, as for every unsupported field.
type unsupportedError struct{ error }

// Unwrap returns the original error and ErrUnsupported.
func (e unsupportedError) Unwrap() []error { return []error{e.error, ErrUnsupported} }

// dubboFilters decodes dubbo_filters: any number of filters, then the router, last; an empty
// list means the router alone.
func dubboFilters(probs *problems, path string, fs []*dubbov3.DubboFilter) []DubboFilter {
	if len(fs) == 0 {
		return nil
	}
	if !isDubboRouter(fs[len(fs)-1]) {
		probs.addf(index(path, len(fs)-1), "the last filter must be %s", dubboRouterName)
		return nil
	}
	var out []DubboFilter
	for i, f := range fs[:len(fs)-1] {
		fpath := index(path, i)
		if isDubboRouter(f) {
			probs.addf(fpath, "the router must be the last filter")
			continue
		}
		if df, ok := dubboFilter(probs, fpath, f); ok {
			out = append(out, df)
		}
	}
	return out
}

// isDubboRouter reports whether f is the Dubbo router, by name or by config type.
func isDubboRouter(f *dubbov3.DubboFilter) bool {
	return f.GetName() == dubboRouterName || f.GetConfig().GetTypeUrl() == "type.googleapis.com/"+dubboRouterTypeName
}

// dubboFilter decodes one Dubbo filter (not the router) at path.
func dubboFilter(probs *problems, path string, f *dubbov3.DubboFilter) (DubboFilter, bool) {
	out := DubboFilter{Name: f.GetName()}
	if out.Name == "" {
		probs.addf(joinPath(path, "name"), "required")
		return out, false
	}
	if f.GetConfig() == nil {
		return out, true
	}
	msg, err := anypb.UnmarshalNew(f.GetConfig(), proto.UnmarshalOptions{})
	if err != nil {
		probs.addf(joinPath(path, "config"), "%v", err)
		return out, false
	}
	out.Config = msg
	out.TypeName = string(msg.ProtoReflect().Descriptor().FullName())
	switch ts := msg.(type) {
	case *xdstypev3.TypedStruct:
		out.TypeName = typeURLName(ts.GetTypeUrl())
	case *udpatypev1.TypedStruct:
		out.TypeName = typeURLName(ts.GetTypeUrl())
	}
	return out, true
}

// typeURLName returns the message name of a type URL: the part after the last '/'.
func typeURLName(url string) string {
	return url[strings.LastIndexByte(url, '/')+1:]
}
