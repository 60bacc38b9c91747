package proxies

import (
	"fmt"
	"strings"
	"text/template"
)

// bootstrapTemplate is the Envoy v3 Bootstrap that both Skiff and Envoy
// run: one listener to a one-endpoint STATIC cluster, through tcp_proxy
// (TCP), http_connection_manager (HTTP: HTTP/1.1, one virtual host "*",
// one route prefix "/" to the cluster, the router filter only) or
// dubbo_proxy (Dubbo: see dubboFilter). Following
// Envoy's benchmarking advice, request ID generation and the router's
// dynamic stats are off; the default circuit breakers (1,024 requests)
// are far above the 64 connections used. No access log is configured.
var bootstrapTemplate = template.Must(template.New("bootstrap").Funcs(template.FuncMap{"dubboFilter": dubboFilter}).Parse(`admin:
  address: {socket_address: {address: 127.0.0.1, port_value: {{.Admin}}}}
static_resources:
  listeners:
  - name: {{if .HTTP}}http{{else if .Dubbo}}dubbo{{else}}echo{{end}}
    address: {socket_address: {address: 127.0.0.1, port_value: {{.Listen}}}}
    filter_chains:
    - filters:
{{- if .HTTP}}
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: http
          codec_type: HTTP1
          generate_request_id: false
          route_config:
            name: backend
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: {prefix: "/"}
                route: {cluster: backend}
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
              dynamic_stats: false
{{- else if .Dubbo}}
{{dubboFilter}}
{{- else}}
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: echo
          cluster: backend
{{- end}}
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 1s
{{- if .Dubbo}}
    circuit_breakers: {thresholds: [{max_connections: 100000, max_pending_requests: 100000, max_requests: 100000}]}
{{- end}}
    load_assignment:
      cluster_name: backend
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: {{.Backend}}}}}}]}]
`))

// Bootstrap renders the shared Envoy v3 bootstrap YAML for p and proto.
func Bootstrap(p Ports, proto Protocol) string {
	data := struct {
		Ports
		HTTP, Dubbo bool
	}{p, proto == HTTP, proto == Dubbo}
	var b strings.Builder
	if err := bootstrapTemplate.Execute(&b, data); err != nil {
		panic(fmt.Sprintf("proxies: bootstrap template: %v", err)) // the template is fixed; cannot fail
	}
	return b.String()
}

// bootstrapSetup describes the bootstrap for a proxy's Setup line.
func bootstrapSetup(proto Protocol) string {
	if proto == Dubbo {
		return dubboSetup
	}
	if proto == HTTP {
		return "Envoy v3 bootstrap, http_connection_manager (codec HTTP1, one virtual host *, route prefix / to the backend cluster, " +
			"router filter only, generate_request_id false, router dynamic_stats false, other header handling as by default), no access log"
	}
	return "Envoy v3 bootstrap, tcp_proxy, no access log"
}

func readyURL(p Ports) string {
	return fmt.Sprintf("http://127.0.0.1:%d/ready", p.Admin)
}
