package config

import (
	"sort"
	"strconv"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// translateRuntime flattens the static layers of layered_runtime into "a.b.c" keys. Later layers
// override earlier ones; admin layers hold nothing at startup.
func translateRuntime(probs *problems, lr *bootstrapv3.LayeredRuntime) map[string]string {
	out := map[string]string{}
	names := map[string]int{}
	for i, layer := range lr.GetLayers() {
		path := index("layered_runtime.layers", i)
		if j, dup := names[layer.GetName()]; dup {
			probs.addf(joinPath(path, "name"), "%q already used by layers[%d]", layer.GetName(), j)
		}
		names[layer.GetName()] = i
		if s := layer.GetStaticLayer(); s != nil {
			flatten(probs, joinPath(path, "static_layer"), "", s, out)
		}
	}
	return out
}

// flatten copies the scalar values of s into out under prefix+key, descending into nested structs.
// Lists and nulls are errors, as in Envoy.
func flatten(probs *problems, path, prefix string, s *structpb.Struct, out map[string]string) {
	keys := make([]string, 0, len(s.GetFields()))
	for k := range s.GetFields() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s.GetFields()[k]
		if sub := v.GetStructValue(); sub != nil {
			flatten(probs, path, prefix+k+".", sub, out)
			continue
		}
		str, ok := scalarString(v)
		if !ok {
			probs.addf(joinPath(path, "["+strconv.Quote(prefix+k)+"]"), "only string, number, bool and nested values are supported")
			continue
		}
		out[prefix+k] = str
	}
}
