package dubboroute

import (
	"strings"
	"testing"

	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

// parse reads a YAML list of route configurations (the route_config field of a dubbo_proxy).
func parse(tb testing.TB, y string) []*dubbov3.RouteConfiguration {
	tb.Helper()
	sep := "\n" // a block list
	if strings.HasPrefix(strings.TrimSpace(y), "[") {
		sep = " "
	}
	js, err := yaml.YAMLToJSON([]byte("route_config:" + sep + y))
	if err != nil {
		tb.Fatalf("yaml: %v", err)
	}
	var m dubbov3.MultipleRouteConfiguration
	if err := protojson.Unmarshal(js, &m); err != nil {
		tb.Fatalf("protojson: %v", err)
	}
	return m.GetRouteConfig()
}

// mustCompile compiles a YAML list of route configurations.
func mustCompile(tb testing.TB, y string) *Table {
	tb.Helper()
	t, err := Compile(parse(tb, y))
	if err != nil {
		tb.Fatalf("compile: %v", err)
	}
	return t
}

// testRequest is a Request over plain values.
type testRequest struct {
	iface, version, method []byte
	attach                 map[string]string
	args                   []any
}

var _ Request = (*testRequest)(nil)

// call builds a request for iface.method (version, then attachment key/value pairs).
func call(iface, method, version string, kv ...string) *testRequest {
	r := &testRequest{iface: []byte(iface), method: []byte(method), version: []byte(version)}
	if len(kv) > 0 {
		r.attach = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			r.attach[kv[i]] = kv[i+1]
		}
	}
	return r
}

// withArgs sets the request's arguments.
func (r *testRequest) withArgs(args ...any) *testRequest {
	r.args = args
	return r
}

func (r *testRequest) Interface() []byte { return r.iface }
func (r *testRequest) Version() []byte   { return r.version }
func (r *testRequest) Method() []byte    { return r.method }
func (r *testRequest) Group() ([]byte, bool) {
	return r.Attachment("group")
}

func (r *testRequest) Argument(i int) (any, bool) {
	if i < 0 || i >= len(r.args) {
		return nil, false
	}
	return r.args[i], true
}

func (r *testRequest) Attachment(name string) ([]byte, bool) {
	v, ok := r.attach[name]
	if !ok {
		return nil, false
	}
	return []byte(v), true
}
