// Package fieldcheck holds what the configuration checkers of Skiff share: field paths
// (`virtual_hosts[0].routes[2].match`), the FieldError type and a collector for the problems found
// in one resource, and the walker that checks every populated field of an Envoy message tree
// against an allow-table.
//
// It is a leaf package: proxy/config, proxy/route and proxy/dubboroute all import it, and it
// imports none of them (proxy/config calls the route checkers, so they cannot import it).
package fieldcheck
