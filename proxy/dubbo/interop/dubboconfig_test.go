package interop

// Builders for the dubbo_proxy parts of a generated bootstrap. Field names are Envoy's
// (envoy.extensions.filters.network.dubbo_proxy.v3).

// dubboProxy is an envoy.filters.network.dubbo_proxy filter with the route configurations rcs.
func dubboProxy(statPrefix string, rcs ...obj) obj {
	return obj{
		"name": "envoy.filters.network.dubbo_proxy",
		"typed_config": obj{
			"@type":        "type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.v3.DubboProxy",
			"stat_prefix":  statPrefix,
			"route_config": rcs,
		},
	}
}

// withFilters sets the dubbo_filters of a dubboProxy filter: fs, then the router.
func withFilters(proxy obj, fs ...obj) obj {
	router := obj{"name": "envoy.filters.dubbo.router"}
	proxy["typed_config"].(obj)["dubbo_filters"] = append(fs, router)
	return proxy
}

// headerFault is the fault filter with aborts and delays driven by the
// x-envoy-fault-abort-request and x-envoy-fault-delay-request attachments.
func headerFault() obj {
	return obj{
		"name": "envoy.filters.http.fault",
		"config": obj{
			"@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
			"abort": obj{"header_abort": obj{}, "percentage": obj{"numerator": 100}},
			"delay": obj{"header_delay": obj{}, "percentage": obj{"numerator": 100}},
		},
	}
}

// routeConfig is a RouteConfiguration for the interface iface ("*" for any).
func routeConfig(name, iface string, routes ...obj) obj {
	return obj{"name": name, "interface": iface, "routes": routes}
}

// route is a Route: requests that match go to action.
func route(match, action obj) obj {
	return obj{"match": match, "route": action}
}

// anyCall matches every request of the route configuration.
func anyCall() obj { return obj{} }

// method matches the method name exactly; params, when not nil, is its params_match (argument
// index -> ParameterMatchSpecifier).
func method(name string, params obj) obj {
	m := obj{"name": obj{"exact": name}}
	if params != nil {
		m["params_match"] = params
	}
	return obj{"method": m}
}

// attachment matches requests whose attachment name equals value (a HeaderMatcher).
func attachment(name, value string) obj { return attachments(name, value) }

// attachments matches requests that carry every attachment of the name, value pairs kv.
func attachments(kv ...string) obj {
	var hs []obj
	for i := 0; i+1 < len(kv); i += 2 {
		hs = append(hs, obj{"name": kv[i], "string_match": obj{"exact": kv[i+1]}})
	}
	return obj{"headers": hs}
}

// exactArg and rangeArg are params_match specifiers.
func exactArg(v string) obj         { return obj{"exact_match": v} }
func rangeArg(start, end int64) obj { return obj{"range_match": obj{"start": start, "end": end}} }

// toCluster is a RouteAction to cluster; meta, when not empty, is its envoy.lb metadata_match.
func toCluster(cluster string, meta map[string]string) obj {
	a := obj{"cluster": cluster}
	if len(meta) > 0 {
		lb := obj{}
		for k, v := range meta {
			lb[k] = v
		}
		a["metadata_match"] = obj{"filter_metadata": obj{"envoy.lb": lb}}
	}
	return a
}

// subsetConfig is an lb_subset_config: fallback DEFAULT_SUBSET to defaultSubset, with the
// subset_selectors selectors.
func subsetConfig(defaultSubset map[string]string, selectors ...obj) obj {
	def := obj{}
	for k, v := range defaultSubset {
		def[k] = v
	}
	return obj{"fallback_policy": "DEFAULT_SUBSET", "default_subset": def, "subset_selectors": selectors}
}

// selector is a subset selector for keys with the cluster's fallback policy.
func selector(keys ...string) obj { return obj{"keys": keys} }

// keysSubsetSelector is a selector for keys whose empty subsets retry with the fallback keys
// (fallback_policy KEYS_SUBSET).
func keysSubsetSelector(keys []string, fallback ...string) obj {
	return obj{"keys": keys, "fallback_policy": "KEYS_SUBSET", "fallback_keys_subset": fallback}
}
