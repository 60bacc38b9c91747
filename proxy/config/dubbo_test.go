package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/skiffmesh/skiff/proxy/dubboroute"
)

// dubboListener wraps a dubbo_proxy typed_config in a bootstrap with one listener. fields are
// its fields without @type: a YAML flow mapping, or block mapping lines indented by 10 spaces.
func dubboListener(fields string) string {
	const typeURL = "type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.v3.DubboProxy"
	if inner, ok := strings.CutPrefix(fields, "{"); ok {
		fields = "typed_config: {\"@type\": " + typeURL + ", " + inner
	} else {
		fields = "typed_config:\n          \"@type\": " + typeURL + "\n          " + fields
	}
	return `
static_resources:
  listeners:
  - name: dubbo_in
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.dubbo_proxy
        ` + fields + `
`
}

// translateDubboYAML translates a bootstrap holding one dubbo_proxy listener.
func translateDubboYAML(t *testing.T, fields string) (*DubboProxy, error) {
	t.Helper()
	b, err := Parse([]byte(dubboListener(fields)))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	snap, err := Translate(b)
	if err != nil {
		return nil, err
	}
	return snap.Listeners[0].FilterChains[0].Dubbo, nil
}

func TestTranslateDubbo(t *testing.T) {
	d, err := translateDubboYAML(t, `stat_prefix: orders
          protocol_type: Dubbo
          serialization_type: Hessian2
          route_config:
          - name: orders
            interface: com.acme.Orders
            routes:
            - match: {method: {name: {exact: get}}}
              route: {cluster: orders}
          - name: rest
            interface: "*"
            routes:
            - match: {}
              route: {cluster: rest}
          dubbo_filters:
          - name: envoy.filters.dubbo.testlimit
            config:
              "@type": type.googleapis.com/xds.type.v3.TypedStruct
              type_url: type.skiff.dev/skiff.sentinel.v1.Config
              value: {resource: x}
          - name: envoy.filters.dubbo.fault
          - name: envoy.filters.dubbo.router`)
	if err != nil {
		t.Fatal(err)
	}
	if d == nil || d.StatPrefix != "orders" || len(d.Routes) != 2 || d.Routes[1].GetName() != "rest" || d.Source == nil {
		t.Fatalf("DubboProxy = %+v", d)
	}
	if len(d.Filters) != 2 {
		t.Fatalf("Filters = %+v", d.Filters)
	}
	if f := d.Filters[0]; f.Name != "envoy.filters.dubbo.testlimit" || f.TypeName != "skiff.sentinel.v1.Config" || f.Config == nil {
		t.Errorf("Filters[0] = %+v", f)
	}
	if f := d.Filters[1]; f.Name != "envoy.filters.dubbo.fault" || f.TypeName != "" || f.Config != nil {
		t.Errorf("Filters[1] = %+v", f)
	}
	tbl, err := dubboroute.Compile(d.Routes)
	if err != nil {
		t.Fatal(err)
	}
	if got := tbl.Clusters(); strings.Join(got, ",") != "orders,rest" {
		t.Errorf("clusters = %v", got)
	}
}

func TestTranslateDubboVariants(t *testing.T) {
	for _, tc := range []struct {
		name, fields string
		routes       int
		filters      int
	}{
		{"router implicit", `{stat_prefix: d}`, 0, 0},
		{"router by type", `{stat_prefix: d, dubbo_filters: [{name: r, config: {"@type": type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.router.v3.Router}}]}`, 0, 0},
		{"multiple route config", `{stat_prefix: d, multiple_route_config: {name: m, route_config: [{name: a, interface: I, routes: [{match: {}, route: {cluster: c}}]}]}}`, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := translateDubboYAML(t, tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Routes) != tc.routes || len(d.Filters) != tc.filters {
				t.Fatalf("routes, filters = %d, %d; want %d, %d", len(d.Routes), len(d.Filters), tc.routes, tc.filters)
			}
		})
	}
}

func TestTranslateDubboRejects(t *testing.T) {
	const fc = `listener "dubbo_in": static_resources.listeners[0].filter_chains[0].filters[0].typed_config.`
	for _, tc := range []struct {
		name, fields, want string
		unsupported        bool
	}{
		{"no stat prefix", `{route_config: []}`, fc + "stat_prefix: required", false},
		{"drds", `{stat_prefix: d, drds: {route_config_name: r, config_source: {ads: {}}}}`, fc + "drds: not supported", true},
		{"both route configs", `{stat_prefix: d, route_config: [{name: a, interface: I}], multiple_route_config: {route_config: [{name: b, interface: J}]}}`,
			fc + "multiple_route_config: route_config is set too", false},
		{"route unsupported field", `{stat_prefix: d, route_config: [{name: a, interface: I}, {name: b, interface: I, routes: [{match: {}, route: {cluster: c, metadata_match: {typed_filter_metadata: {x: {"@type": type.googleapis.com/google.protobuf.Empty}}}}}]}]}`,
			fc + "route_config[1].routes[0].route.metadata_match.typed_filter_metadata: not supported", true},
		{"multiple route config error", `{stat_prefix: d, multiple_route_config: {route_config: [{name: a, interface: "a*b"}]}}`,
			fc + `multiple_route_config.route_config[0].interface: "a*b": only a leading or trailing`, false},
		{"route value", `{stat_prefix: d, route_config: [{name: a, interface: I, routes: [{match: {method: {name: {safe_regex: {regex: "("}}}}, route: {cluster: c}}]}]}`,
			fc + "route_config[0].routes[0].match.method.name.safe_regex.regex: error parsing regexp", false},
		{"router not last", `{stat_prefix: d, dubbo_filters: [{name: envoy.filters.dubbo.router}, {name: x}]}`,
			fc + "dubbo_filters[1]: the last filter must be envoy.filters.dubbo.router", false},
		{"router twice", `{stat_prefix: d, dubbo_filters: [{name: envoy.filters.dubbo.router}, {name: envoy.filters.dubbo.router}]}`,
			fc + "dubbo_filters[0]: the router must be the last filter", false},
		{"filter without name", `{stat_prefix: d, dubbo_filters: [{name: "", config: {"@type": type.googleapis.com/google.protobuf.Empty}}, {name: envoy.filters.dubbo.router}]}`,
			fc + "dubbo_filters[0].name: required", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := translateDubboYAML(t, tc.fields)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.want)
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Fatalf("errors.Is(err, ErrUnsupported) = %v, want %v", !tc.unsupported, tc.unsupported)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a FieldError", err)
			}
		})
	}
}
