package route

import (
	"slices"
	"strings"
	"testing"
)

// editor is an ordered multimap implementing HeaderEditor.
type editor struct{ kv []string }

func (e *editor) Has(name string) bool {
	for i := 0; i < len(e.kv); i += 2 {
		if e.kv[i] == name {
			return true
		}
	}
	return false
}
func (e *editor) Add(name, value string) { e.kv = append(e.kv, name, value) }
func (e *editor) Del(name string) {
	out := e.kv[:0]
	for i := 0; i < len(e.kv); i += 2 {
		if e.kv[i] != name {
			out = append(out, e.kv[i], e.kv[i+1])
		}
	}
	e.kv = out
}
func (e *editor) Set(name, value string) {
	for i := 0; i < len(e.kv); i += 2 {
		if e.kv[i] == name {
			e.kv[i+1] = value
			rest := &editor{kv: slices.Clone(e.kv[i+2:])}
			rest.Del(name)
			e.kv = append(e.kv[:i+2], rest.kv...)
			return
		}
	}
	e.Add(name, value)
}
func (e *editor) String() string {
	var b strings.Builder
	for i := 0; i < len(e.kv); i += 2 {
		b.WriteString(e.kv[i] + "=" + e.kv[i+1] + ";")
	}
	return b.String()
}

var _ HeaderEditor = (*editor)(nil)

func TestHeaderMutationApply(t *testing.T) {
	cases := []struct {
		name    string
		initial []string
		m       HeaderMutation
		want    string
	}{
		{"append adds another value", []string{"a", "1"},
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "2"}}}, "a=1;a=2;"},
		{"add if absent, present", []string{"a", "1"},
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "2", Action: AddIfAbsent}}}, "a=1;"},
		{"add if absent, absent", nil,
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "2", Action: AddIfAbsent}}}, "a=2;"},
		{"overwrite or add replaces every value", []string{"a", "1", "b", "x", "a", "3"},
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "2", Action: OverwriteIfExistsOrAdd}}}, "a=2;b=x;"},
		{"overwrite or add adds", nil,
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "2", Action: OverwriteIfExistsOrAdd}}}, "a=2;"},
		{"overwrite if exists, absent", nil,
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "2", Action: OverwriteIfExists}}}, ""},
		{"overwrite if exists, present", []string{"a", "1"},
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "2", Action: OverwriteIfExists}}}, "a=2;"},
		{"removes come first", []string{"a", "1"},
			HeaderMutation{Remove: []string{"a"}, Add: []HeaderValue{{Name: "a", Value: "2", Action: AddIfAbsent}}}, "a=2;"},
		{"conditions see the headers before this level's adds", nil,
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "1"}, {Name: "a", Value: "2", Action: AddIfAbsent}}}, "a=1;a=2;"},
		{"overwrites come before appends", []string{"a", "0"},
			HeaderMutation{Add: []HeaderValue{{Name: "a", Value: "1"}, {Name: "a", Value: "2", Action: OverwriteIfExistsOrAdd}}}, "a=2;a=1;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := &editor{kv: slices.Clone(tc.initial)}
			tc.m.Apply(e)
			if got := e.String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// levelsConfig sets x-level at every level (overwriting), adds x-<level> once per level and
// removes x-remove at the route level.
const levelsConfig = `
request_headers_to_add:
- {header: {key: x-level, value: config}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
- {header: {key: x-config, value: "1"}}
response_headers_to_add:
- {header: {key: x-level, value: config}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
response_headers_to_remove: [server]
virtual_hosts:
- name: vh
  domains: ["*"]
  request_headers_to_add:
  - {header: {key: x-level, value: vhost}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
  - {header: {key: X-Vhost, value: "1"}}
  response_headers_to_add:
  - {header: {key: x-level, value: vhost}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
  routes:
  - match: {prefix: /}
    route: {cluster: c}
    request_headers_to_add:
    - {header: {key: x-level, value: route}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
    - {header: {key: x-route, value: "1"}}
    request_headers_to_remove: [x-remove]
    response_headers_to_add:
    - {header: {key: x-level, value: route}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
`

func TestHeaderMutationOrder(t *testing.T) {
	cases := []struct {
		name, prefix     string
		request, reponse string
	}{
		{"least specific wins by default", "",
			"x-remove=old;x-level=config;x-route=1;x-vhost=1;x-config=1;",
			"server=s;x-level=config;"},
		{"most_specific_header_mutations_wins", "most_specific_header_mutations_wins: true\n",
			"x-remove=old;x-level=route;x-config=1;x-vhost=1;x-route=1;",
			"server=s;x-level=route;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := firstRoute(t, tc.prefix+levelsConfig)
			req := &editor{kv: []string{"x-remove", "old"}}
			r.RequestHeaders.Apply(req)
			// x-remove is removed by the route level, which runs first or last; either way it is gone.
			if want := strings.Replace(tc.request, "x-remove=old;", "", 1); req.String() != want {
				t.Errorf("request headers %s, want %s", req, want)
			}
			resp := &editor{kv: []string{"server", "s"}}
			r.ResponseHeaders.Apply(resp)
			if want := strings.Replace(tc.reponse, "server=s;", "", 1); resp.String() != want {
				t.Errorf("response headers %s, want %s", resp, want)
			}
		})
	}
}

func TestHeaderValues(t *testing.T) {
	cases := []struct {
		name, option string
		want         []HeaderValue
	}{
		{"literal", `{header: {key: X-A, value: v}}`, []HeaderValue{{Name: "x-a", Value: "v"}}},
		{"escaped percent", `{header: {key: x-a, value: "100%% sure"}}`, []HeaderValue{{Name: "x-a", Value: "100% sure"}}},
		{"raw_value", `{header: {key: x-a, raw_value: "cmF3"}}`, []HeaderValue{{Name: "x-a", Value: "raw"}}},
		{"empty value skipped", `{header: {key: x-a, value: ""}}`, nil},
		{"empty value kept", `{header: {key: x-a, value: ""}, keep_empty_value: true}`, []HeaderValue{{Name: "x-a"}}},
		{"append true", `{header: {key: x-a, value: v}, append: true}`, []HeaderValue{{Name: "x-a", Value: "v"}}},
		{"append false overwrites", `{header: {key: x-a, value: v}, append: false}`, []HeaderValue{{Name: "x-a", Value: "v", Action: OverwriteIfExistsOrAdd}}},
		{"add if absent", `{header: {key: x-a, value: v}, append_action: ADD_IF_ABSENT}`, []HeaderValue{{Name: "x-a", Value: "v", Action: AddIfAbsent}}},
		{"overwrite if exists", `{header: {key: x-a, value: v}, append_action: OVERWRITE_IF_EXISTS}`, []HeaderValue{{Name: "x-a", Value: "v", Action: OverwriteIfExists}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := firstRoute(t, action("route: {cluster: c}\n    request_headers_to_add: ["+tc.option+"]"))
			var got []HeaderValue
			for _, m := range r.RequestHeaders {
				got = append(got, m.Add...)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
