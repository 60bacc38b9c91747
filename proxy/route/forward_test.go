package route

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// firstRoute compiles doc and returns the first route of the first virtual host.
func firstRoute(t *testing.T, doc string) *Route {
	t.Helper()
	return mustCompile(t, doc).VirtualHosts[0].Routes[0]
}

// action is a one-route configuration whose route has the given action (YAML flow mapping
// fields, such as "route: {cluster: c}").
func action(fields string) string {
	return `
name: t
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - name: r
    match: {prefix: /}
    ` + fields + "\n"
}

func TestPickCluster(t *testing.T) {
	cases := []struct {
		name, action string
		req          *testRequest
		want         string
	}{
		{"cluster", "route: {cluster: c1}", get("h", "/"), "c1"},
		{"cluster_header", "route: {cluster_header: X-Cluster}", get("h", "/", "x-cluster", "c2"), "c2"},
		{"cluster_header missing", "route: {cluster_header: x-cluster}", get("h", "/"), ""},
		{"redirect", "redirect: {host_redirect: x}", get("h", "/"), ""},
		{"direct_response", "direct_response: {status: 200}", get("h", "/"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := firstRoute(t, action(tc.action))
			if got := r.PickCluster(12345, tc.req); got != tc.want {
				t.Errorf("PickCluster = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWeightedClusters(t *testing.T) {
	r := firstRoute(t, action(`route: {weighted_clusters: {clusters: [{name: a, weight: 10}, {name: zero, weight: 0}, {name: b, weight: 30}, {name: c, weight: 60}]}}`))
	f := r.Forward
	if f.TotalWeight != 100 || len(f.WeightedClusters) != 4 {
		t.Fatalf("TotalWeight %d, clusters %v", f.TotalWeight, f.WeightedClusters)
	}
	t.Run("runs of consecutive numbers", func(t *testing.T) {
		for _, tc := range []struct {
			rnd  uint32
			want string
		}{{0, "a"}, {9, "a"}, {10, "b"}, {39, "b"}, {40, "c"}, {99, "c"}, {100, "a"}, {1<<32 - 1, "c"}} {
			if got := r.PickCluster(tc.rnd, get("h", "/")); got != tc.want {
				t.Errorf("PickCluster(%d) = %s, want %s", tc.rnd, got, tc.want)
			}
		}
	})
	t.Run("distribution", func(t *testing.T) {
		const n = 100000
		rng := rand.New(rand.NewPCG(1, 2))
		counts := map[string]int{}
		for range n {
			counts[r.PickCluster(rng.Uint32(), get("h", "/"))]++
		}
		want := map[string]float64{"a": 0.1, "b": 0.3, "c": 0.6}
		for name, share := range want {
			if got := float64(counts[name]) / n; got < share-0.01 || got > share+0.01 {
				t.Errorf("cluster %s got %.3f of picks, want %.2f±0.01", name, got, share)
			}
		}
		if counts["zero"] != 0 {
			t.Errorf("weight-0 cluster picked %d times", counts["zero"])
		}
	})
	t.Run("Clusters", func(t *testing.T) {
		tbl := mustCompile(t, `
virtual_hosts:
- name: vh
  domains: ["*"]
  routes:
  - {match: {prefix: /a}, route: {weighted_clusters: {clusters: [{name: b, weight: 1}, {name: a, weight: 1}]}}}
  - {match: {prefix: /b}, route: {cluster: b}}
  - {match: {prefix: /c}, route: {cluster_header: x}}
  - {match: {prefix: /d}, direct_response: {status: 204}}
`)
		if got, want := tbl.Clusters(), []string{"a", "b"}; !slices.Equal(got, want) {
			t.Errorf("Clusters() = %v, want %v", got, want)
		}
	})
}

func TestForwardSettings(t *testing.T) {
	defaultRetry := &RetryPolicy{On: Retry5xx, NumRetries: 1, BackOffBase: 25 * time.Millisecond, BackOffMax: 250 * time.Millisecond}
	cases := []struct {
		name, doc string
		check     func(t *testing.T, f *Forward)
	}{
		{"defaults", action("route: {cluster: c}"), func(t *testing.T, f *Forward) {
			if f.Timeout != 15*time.Second || f.HasIdleTimeout || f.Retry != nil || f.ClusterNotFoundStatus != 503 ||
				f.HostRewrite != "" || f.AutoHostRewrite || f.PrefixRewrite != "" || f.RegexRewrite != nil {
				t.Errorf("defaults: %+v", f)
			}
		}},
		{"timeouts", action("route: {cluster: c, timeout: 0s, idle_timeout: 2.5s}"), func(t *testing.T, f *Forward) {
			if f.Timeout != 0 || !f.HasIdleTimeout || f.IdleTimeout != 2500*time.Millisecond {
				t.Errorf("Timeout %v IdleTimeout %v (%t)", f.Timeout, f.IdleTimeout, f.HasIdleTimeout)
			}
		}},
		{"explicit zero idle timeout", action("route: {cluster: c, idle_timeout: 0s}"), func(t *testing.T, f *Forward) {
			if !f.HasIdleTimeout || f.IdleTimeout != 0 {
				t.Errorf("IdleTimeout %v (%t)", f.IdleTimeout, f.HasIdleTimeout)
			}
		}},
		{"host rewrites", action("route: {cluster: c, host_rewrite_literal: up.example}"), func(t *testing.T, f *Forward) {
			if f.HostRewrite != "up.example" || f.AutoHostRewrite {
				t.Errorf("HostRewrite %q AutoHostRewrite %t", f.HostRewrite, f.AutoHostRewrite)
			}
		}},
		{"auto host rewrite", action("route: {cluster: c, auto_host_rewrite: true}"), func(t *testing.T, f *Forward) {
			if !f.AutoHostRewrite {
				t.Error("AutoHostRewrite not set")
			}
		}},
		{"cluster not found code", action("route: {cluster: c, cluster_not_found_response_code: NOT_FOUND}"), func(t *testing.T, f *Forward) {
			if f.ClusterNotFoundStatus != 404 {
				t.Errorf("ClusterNotFoundStatus %d", f.ClusterNotFoundStatus)
			}
		}},
		{"retry defaults", action("route: {cluster: c, retry_policy: {retry_on: 5xx}}"), func(t *testing.T, f *Forward) {
			if !retryEqual(f.Retry, defaultRetry) {
				t.Errorf("Retry %+v, want %+v", f.Retry, defaultRetry)
			}
		}},
		{"retry settings", action(`route: {cluster: c, retry_policy: {retry_on: "gateway-error, reset,connect-failure,retriable-status-codes,refused-stream", num_retries: 3, per_try_timeout: 1s, retriable_status_codes: [409], retry_back_off: {base_interval: 0.1s, max_interval: 2s}}}`), func(t *testing.T, f *Forward) {
			want := &RetryPolicy{On: RetryGatewayError | RetryReset | RetryConnectFailure | RetryRetriableStatusCodes | RetryRefusedStream,
				NumRetries: 3, PerTryTimeout: time.Second, BackOffBase: 100 * time.Millisecond, BackOffMax: 2 * time.Second,
				RetriableStatusCodes: []uint32{409}}
			if !retryEqual(f.Retry, want) {
				t.Errorf("Retry %+v, want %+v", f.Retry, want)
			}
		}},
		{"back-off max defaults to ten times base", action("route: {cluster: c, retry_policy: {retry_on: reset, num_retries: 0, retry_back_off: {base_interval: 0.0001s}}}"), func(t *testing.T, f *Forward) {
			if f.Retry.NumRetries != 0 || f.Retry.BackOffBase != time.Millisecond || f.Retry.BackOffMax != 10*time.Millisecond {
				t.Errorf("Retry %+v", f.Retry)
			}
		}},
		{"virtual host retry policy", `
virtual_hosts:
- name: vh
  domains: ["*"]
  retry_policy: {retry_on: connect-failure, num_retries: 2}
  routes: [{match: {prefix: /}, route: {cluster: c}}]
`, func(t *testing.T, f *Forward) {
			if f.Retry == nil || f.Retry.On != RetryConnectFailure || f.Retry.NumRetries != 2 {
				t.Errorf("Retry %+v", f.Retry)
			}
		}},
		{"route retry policy replaces the virtual host's", `
virtual_hosts:
- name: vh
  domains: ["*"]
  retry_policy: {retry_on: connect-failure, num_retries: 2}
  routes: [{match: {prefix: /}, route: {cluster: c, retry_policy: {retry_on: 5xx}}}]
`, func(t *testing.T, f *Forward) {
			if f.Retry == nil || f.Retry.On != Retry5xx || f.Retry.NumRetries != 1 {
				t.Errorf("Retry %+v", f.Retry)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := firstRoute(t, tc.doc)
			if r.Action != ActionForward || r.Forward == nil {
				t.Fatalf("Action %v, Forward %v", r.Action, r.Forward)
			}
			tc.check(t, r.Forward)
		})
	}
}

func retryEqual(a, b *RetryPolicy) bool {
	return a != nil && b != nil && a.On == b.On && a.NumRetries == b.NumRetries && a.PerTryTimeout == b.PerTryTimeout &&
		a.BackOffBase == b.BackOffBase && a.BackOffMax == b.BackOffMax && slices.Equal(a.RetriableStatusCodes, b.RetriableStatusCodes)
}

func TestRetryDecisions(t *testing.T) {
	cases := []struct {
		name    string
		on      RetryOn
		codes   []uint32
		status  map[int]bool
		failure map[Failure]bool
	}{
		{"5xx", Retry5xx, nil,
			map[int]bool{500: true, 503: true, 599: true, 404: false, 200: false},
			map[Failure]bool{FailureReset: true, FailureConnect: true, FailureRefusedStream: true}},
		{"gateway-error", RetryGatewayError, nil,
			map[int]bool{500: false, 502: true, 503: true, 504: true, 505: false},
			map[Failure]bool{FailureReset: true, FailureConnect: true, FailureRefusedStream: true}},
		{"reset", RetryReset, nil,
			map[int]bool{503: false},
			map[Failure]bool{FailureReset: true, FailureConnect: true, FailureRefusedStream: true}},
		{"connect-failure", RetryConnectFailure, nil,
			map[int]bool{503: false},
			map[Failure]bool{FailureReset: false, FailureConnect: true, FailureRefusedStream: false}},
		{"refused-stream", RetryRefusedStream, nil,
			map[int]bool{503: false},
			map[Failure]bool{FailureReset: false, FailureConnect: false, FailureRefusedStream: true}},
		{"retriable-status-codes", RetryRetriableStatusCodes, []uint32{409, 503},
			map[int]bool{409: true, 503: true, 500: false, -1: false},
			map[Failure]bool{FailureReset: false}},
		{"codes without the condition", RetryConnectFailure, []uint32{409},
			map[int]bool{409: false},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := &RetryPolicy{On: tc.on, RetriableStatusCodes: tc.codes}
			for code, want := range tc.status {
				if got := p.RetriesStatus(code); got != want {
					t.Errorf("RetriesStatus(%d) = %t, want %t", code, got, want)
				}
			}
			for f, want := range tc.failure {
				if got := p.RetriesFailure(f); got != want {
					t.Errorf("RetriesFailure(%d) = %t, want %t", f, got, want)
				}
			}
		})
	}
	if got, want := (Retry5xx | RetryRefusedStream).String(), "5xx,refused-stream"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestDirectResponse(t *testing.T) {
	cases := []struct {
		name, action string
		status       int
		body         string
	}{
		{"inline_string", "direct_response: {status: 503, body: {inline_string: down}}", 503, "down"},
		{"inline_bytes", "direct_response: {status: 200, body: {inline_bytes: aGk=}}", 200, "hi"},
		{"no body", "direct_response: {status: 204}", 204, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := firstRoute(t, action(tc.action))
			if r.Action != ActionDirectResponse || r.DirectResponse == nil {
				t.Fatalf("Action %v", r.Action)
			}
			if r.DirectResponse.Status != tc.status || string(r.DirectResponse.Body) != tc.body {
				t.Errorf("got %d %q, want %d %q", r.DirectResponse.Status, r.DirectResponse.Body, tc.status, tc.body)
			}
			if _, ok := r.RewritePath(nil, []byte("/x")); ok {
				t.Error("RewritePath rewrote for a direct response")
			}
		})
	}
}
