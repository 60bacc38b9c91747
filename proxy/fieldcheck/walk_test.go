package fieldcheck

import (
	"errors"
	"slices"
	"testing"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// testTable allows part of a RouteMatch, a MethodMatch with its params_match and a
// TypedExtensionConfig.
func testTable() *Table {
	return &Table{
		Whole: map[protoreflect.FullName]bool{"google.protobuf.BoolValue": true},
		Fields: map[protoreflect.FullName]map[protoreflect.Name]Rule{
			"envoy.config.route.v3.RouteMatch": {
				"prefix": Allow, "headers": Allow, "case_sensitive": Allow, "grpc": Warn,
				"query_parameters": Separate,
			},
			"envoy.config.route.v3.HeaderMatcher":                         {"name": Allow},
			"envoy.extensions.filters.network.dubbo_proxy.v3.MethodMatch": {"params_match": Allow},
			"envoy.config.core.v3.TypedExtensionConfig":                   {"name": Allow, "typed_config": Allow},
		},
	}
}

// report is one call of the report function.
type report struct {
	path, err   string
	unsupported bool
}

// check runs t.Check on m and returns the reports and the ignored paths.
func check(t *Table, m proto.Message) ([]report, []string) {
	var got []report
	ignored := t.Check(m, func(path string, err error) {
		got = append(got, report{path, err.Error(), errors.Is(err, ErrUnsupported)})
	})
	return got, ignored
}

func TestCheck(t *testing.T) {
	routeAny, err := anypb.New(&routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Path{Path: "/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		table   func(*Table)
		msg     proto.Message
		want    []report
		ignored []string
	}{
		{"allowed", nil, &routev3.RouteMatch{
			PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"},
			CaseSensitive: wrapperspb.Bool(false),
			Headers:       []*routev3.HeaderMatcher{{Name: "a"}, {Name: "b"}},
		}, nil, nil},
		{"unsupported field", nil, &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Path{Path: "/"}},
			[]report{{"path", "not supported", true}}, nil},
		{"unsupported nested field", nil, &routev3.RouteMatch{Headers: []*routev3.HeaderMatcher{{Name: "a"}, {Name: "b", InvertMatch: true}}},
			[]report{{"headers[1].invert_match", "not supported", true}}, nil},
		{"message not listed", nil, &routev3.RouteMatch{Headers: []*routev3.HeaderMatcher{{Name: "a", HeaderMatchSpecifier: &routev3.HeaderMatcher_PresentMatch{PresentMatch: true}}}},
			[]report{{"headers[0].present_match", "not supported", true}}, nil},
		{"warn and separate", nil, &routev3.RouteMatch{
			Grpc:            &routev3.RouteMatch_GrpcRouteMatchOptions{},
			QueryParameters: []*routev3.QueryParameterMatcher{{Name: "q"}},
		}, nil, []string{"grpc"}},
		{"map in key order", nil, &dubbov3.MethodMatch{ParamsMatch: map[uint32]*dubbov3.MethodMatch_ParameterMatchSpecifier{10: {}, 2: {}}},
			[]report{
				{"params_match[2]", "envoy.extensions.filters.network.dubbo_proxy.v3.MethodMatch.ParameterMatchSpecifier not supported", true},
				{"params_match[10]", "envoy.extensions.filters.network.dubbo_proxy.v3.MethodMatch.ParameterMatchSpecifier not supported", true},
			}, nil},
		{"any without types", nil, &corev3.TypedExtensionConfig{Name: "x", TypedConfig: routeAny},
			[]report{{"typed_config", "google.protobuf.Any not supported", true}}, nil},
		{"any unpacked", func(t *Table) { t.Types = protoregistry.GlobalTypes }, &corev3.TypedExtensionConfig{Name: "x", TypedConfig: routeAny},
			[]report{{"typed_config.path", "not supported", true}}, nil},
		{"any of unknown type", func(t *Table) { t.Types = protoregistry.GlobalTypes }, &corev3.TypedExtensionConfig{TypedConfig: &anypb.Any{TypeUrl: "type.googleapis.com/x.Y"}},
			[]report{{"typed_config", `unknown type "type.googleapis.com/x.Y": not supported`, true}}, nil},
		{"skip", func(t *Table) {
			t.Skip = func(m protoreflect.Message) bool { return m.Descriptor().Name() == "HeaderMatcher" }
		}, &routev3.RouteMatch{Headers: []*routev3.HeaderMatcher{{InvertMatch: true}}}, nil, nil},
		{"describe", func(t *Table) {
			t.Describe = func(m protoreflect.Message) string { return "a " + string(m.Descriptor().Name()) }
			t.Fields["envoy.config.route.v3.HeaderMatcher"]["string_match"] = Allow
		}, &routev3.RouteMatch{Headers: []*routev3.HeaderMatcher{{Name: "a", HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{}}}}},
			[]report{{"headers[0].string_match", "a StringMatcher not supported", true}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := testTable()
			if tc.table != nil {
				tc.table(table)
			}
			got, ignored := check(table, tc.msg)
			if !slices.Equal(got, tc.want) {
				t.Errorf("reports = %+v, want %+v", got, tc.want)
			}
			if !slices.Equal(ignored, tc.ignored) {
				t.Errorf("ignored = %q, want %q", ignored, tc.ignored)
			}
		})
	}
}

func TestCheckUnknownFields(t *testing.T) {
	m := &routev3.HeaderMatcher{Name: "a"}
	m.ProtoReflect().SetUnknown(protoreflect.RawFields{0xf8, 0x7f, 0x01}) // field 2047, varint 1
	got, _ := check(testTable(), &routev3.RouteMatch{Headers: []*routev3.HeaderMatcher{m}})
	want := []report{{"headers[0]", "unknown fields in envoy.config.route.v3.HeaderMatcher: not supported", true}}
	if !slices.Equal(got, want) {
		t.Errorf("reports = %+v, want %+v", got, want)
	}
}
