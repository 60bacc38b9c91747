package proxies

import (
	"fmt"
	"strings"
	"text/template"
)

// bootstrapTemplate is the Envoy v3 Bootstrap that both Skiff and Envoy
// run: one listener with tcp_proxy to a one-endpoint STATIC cluster. No
// access log is configured.
var bootstrapTemplate = template.Must(template.New("bootstrap").Parse(`admin:
  address: {socket_address: {address: 127.0.0.1, port_value: {{.Admin}}}}
static_resources:
  listeners:
  - name: echo
    address: {socket_address: {address: 127.0.0.1, port_value: {{.Listen}}}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: echo
          cluster: backend
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: backend
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: {{.Backend}}}}}}]}]
`))

// Bootstrap renders the shared Envoy v3 bootstrap YAML for p.
func Bootstrap(p Ports) string {
	var b strings.Builder
	if err := bootstrapTemplate.Execute(&b, p); err != nil {
		panic(fmt.Sprintf("proxies: bootstrap template: %v", err)) // the template is fixed; cannot fail
	}
	return b.String()
}

func readyURL(p Ports) string {
	return fmt.Sprintf("http://127.0.0.1:%d/ready", p.Admin)
}
