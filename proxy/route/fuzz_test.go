package route

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMatch routes arbitrary requests through the table of testdata/full.yaml and exercises
// everything a router does with the result. Nothing may panic, and matching must be
// deterministic.
func FuzzMatch(f *testing.F) {
	data, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		f.Fatal(err)
	}
	tbl := mustCompile(f, string(data))
	f.Add("shop.example.com", "/api/items?page=2", "true", uint32(7))
	f.Add("SHOP.EXAMPLE.COM:8080", "/users/42/x?debug", "", uint32(0))
	f.Add("[::1]:80", "/login?next=/", "https", uint32(1<<31))
	f.Add("www.example.com", "/DOCS", "-5", uint32(99))
	f.Add("example.", "", "\x00", uint32(1))
	f.Add(strings.Repeat("A", 300), "/docs/", "8", uint32(3))
	f.Fuzz(func(t *testing.T, host, target, header string, rnd uint32) {
		req := newRequest("GET", host, target,
			"x-canary", header, "x-cluster", header, "x-shard", header, "x-forwarded-proto", header, ":scheme", header)
		v, r := tbl.Match(req)
		v2, r2 := tbl.Match(req)
		if v != v2 || r != r2 {
			t.Fatalf("Match is not deterministic: %v/%v then %v/%v", v, r, v2, r2)
		}
		if r == nil {
			return
		}
		exercise(t, r, req, rnd)
	})
}

// exercise calls everything a router calls on a matched route.
func exercise(t *testing.T, r *Route, req *testRequest, rnd uint32) {
	switch r.Action {
	case ActionForward:
		if c := r.PickCluster(rnd, req); c == "" && r.Forward.ClusterHeader == "" {
			t.Fatalf("route %q picked no cluster", r.Name)
		}
		r.RewritePath(nil, req.Path())
	case ActionRedirect:
		loc := r.Redirect.AppendLocation(nil, req)
		if !strings.Contains(string(loc), "://") {
			t.Fatalf("route %q: location %q has no scheme", r.Name, loc)
		}
	case ActionDirectResponse:
		if s := r.DirectResponse.Status; s < 200 || s > 599 {
			t.Fatalf("route %q: status %d", r.Name, s)
		}
	}
	r.RequestHeaders.Apply(&editor{})
	r.ResponseHeaders.Apply(&editor{})
}

// FuzzCompile feeds arbitrary YAML route configurations through Compile: it must return an error
// or a table, never panic, and a table must route requests. The seeds are whole configurations,
// so minimising a new input takes long; run it with -fuzzminimizetime=5s.
func FuzzCompile(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(levelsConfig))
	f.Add([]byte(oneRoute(`{safe_regex: {regex: "a)|(b"}}`)))
	f.Add([]byte(action(`route: {cluster: c, regex_rewrite: {pattern: {regex: "(a*)"}, substitution: '\1\\$'}}`)))
	f.Add([]byte(action(`redirect: {regex_rewrite: {pattern: {regex: "x*"}, substitution: "/"}, port_redirect: 1}`)))
	f.Add([]byte("virtual_hosts: [{name: a, domains: ['*', '*x', 'x*', '']}]"))
	reqs := []*testRequest{
		get("", ""), get("a.com", "/"), get("x.example.com:80", "/api/x?y=1&z", "x-canary", "1"),
		get("[::1]", "/users/1", ":scheme", "https"), get("EXAMPLE.x", "/docs"),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rc, err := parseYAML(data)
		if err != nil {
			return
		}
		tbl, err := Compile(rc)
		if err != nil {
			return
		}
		tbl.Clusters()
		for _, req := range reqs {
			if _, r := tbl.Match(req); r != nil {
				exercise(t, r, req, 12345)
			}
		}
	})
}
