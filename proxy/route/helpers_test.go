package route

import (
	"bytes"
	"strings"
	"testing"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

// testRequest implements Request over fixed byte slices, as the connection manager does over its
// read buffer.
type testRequest struct {
	authority, path, query, method []byte
	headers                        map[string][]byte // lower-case names, pseudo-headers included
}

var _ Request = (*testRequest)(nil)

func (r *testRequest) Authority() []byte { return r.authority }
func (r *testRequest) Path() []byte      { return r.path }
func (r *testRequest) Query() []byte     { return r.query }
func (r *testRequest) Method() []byte    { return r.method }
func (r *testRequest) Header(name string) ([]byte, bool) {
	v, ok := r.headers[name]
	return v, ok
}

// newRequest builds a request for method, authority and request target (path with an optional
// query); headers are name, value pairs. A repeated name joins its values with ",".
func newRequest(method, authority, target string, headers ...string) *testRequest {
	path, query, _ := strings.Cut(target, "?")
	r := &testRequest{
		authority: []byte(authority), path: []byte(path), query: []byte(query), method: []byte(method),
		headers: map[string][]byte{":path": []byte(target)},
	}
	for i := 0; i+1 < len(headers); i += 2 {
		name := strings.ToLower(headers[i])
		if old, ok := r.headers[name]; ok {
			r.headers[name] = bytes.Join([][]byte{old, []byte(headers[i+1])}, []byte(","))
			continue
		}
		r.headers[name] = []byte(headers[i+1])
	}
	return r
}

// get is a GET request to host with target.
func get(host, target string, headers ...string) *testRequest {
	return newRequest("GET", host, target, headers...)
}

// parseYAML decodes a RouteConfiguration from YAML as a bootstrap is decoded: YAML to JSON, then
// protojson (unknown fields are errors).
func parseYAML(data []byte) (*routev3.RouteConfiguration, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	rc := &routev3.RouteConfiguration{}
	if err := protojson.Unmarshal(js, rc); err != nil {
		return nil, err
	}
	return rc, nil
}

// mustParse decodes YAML into a RouteConfiguration or fails the test.
func mustParse(t testing.TB, doc string) *routev3.RouteConfiguration {
	t.Helper()
	rc, err := parseYAML([]byte(doc))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, doc)
	}
	return rc
}

// mustCompile compiles a YAML RouteConfiguration or fails the test.
func mustCompile(t testing.TB, doc string) *Table {
	t.Helper()
	tbl, err := Compile(mustParse(t, doc))
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, doc)
	}
	return tbl
}

// routeName returns the name of the route a request matches, "<no vhost>" or "<no route>".
func routeName(tbl *Table, r Request) string {
	v, rt := tbl.Match(r)
	switch {
	case v == nil:
		return "<no vhost>"
	case rt == nil:
		return "<no route>"
	}
	return rt.Name
}

// oneRoute is a route configuration with one virtual host for every domain and one route named
// "r" with the given match (YAML flow mapping) that forwards to cluster "c".
func oneRoute(match string) string {
	return `
name: t
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - name: r
    match: ` + match + `
    route: {cluster: c}
`
}
