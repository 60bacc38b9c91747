package dubboroute

import (
	"math"
	"slices"
	"strconv"

	dubbov3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/dubbo_proxy/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// paramMatcher is one compiled params_match entry.
type paramMatcher struct {
	index      int
	isRange    bool
	exact      string // exact_match
	exactInt   int64  // exact parsed as a decimal integer, when intExact
	intExact   bool   // exact is the canonical decimal text of an integer
	start, end int64  // range_match: [start, end)
}

// matches reports whether argument v (as Request.Argument decodes it) matches. It does not
// allocate.
func (m *paramMatcher) matches(v any) bool {
	if m.isRange {
		n, ok := intArg(v)
		if !ok {
			if s, isStr := v.(string); isStr {
				n, ok = matcher.ParseInt64(s)
			}
		}
		return ok && n >= m.start && n < m.end
	}
	switch a := v.(type) {
	case string:
		return a == m.exact
	case bool:
		return (a && m.exact == "true") || (!a && m.exact == "false")
	}
	n, ok := intArg(v)
	return ok && m.intExact && n == m.exactInt
}

// intArg converts an integer argument of any Go integer type to int64; false for other values
// and for unsigned values above math.MaxInt64.
func intArg(v any) (int64, bool) {
	switch a := v.(type) {
	case int32:
		return int64(a), true
	case int64:
		return a, true
	case int:
		return int64(a), true
	case int8:
		return int64(a), true
	case int16:
		return int64(a), true
	case uint8:
		return int64(a), true
	case uint16:
		return int64(a), true
	case uint32:
		return int64(a), true
	case uint:
		return int64(a), a <= math.MaxInt64
	case uint64:
		return int64(a), a <= math.MaxInt64
	}
	return 0, false
}

// compileParams compiles params_match at path into matchers ordered by argument index.
func compileParams(probs *problems, path string, pm map[uint32]*dubbov3.MethodMatch_ParameterMatchSpecifier) []paramMatcher {
	out := make([]paramMatcher, 0, len(pm))
	for i, spec := range pm {
		ppath := path + "[" + strconv.FormatUint(uint64(i), 10) + "]"
		m := paramMatcher{index: int(i)}
		switch s := spec.GetParameterMatchSpecifier().(type) {
		case *dubbov3.MethodMatch_ParameterMatchSpecifier_ExactMatch:
			m.exact = s.ExactMatch
			n, err := strconv.ParseInt(s.ExactMatch, 10, 64)
			m.exactInt, m.intExact = n, err == nil && strconv.FormatInt(n, 10) == s.ExactMatch
		case *dubbov3.MethodMatch_ParameterMatchSpecifier_RangeMatch:
			m.isRange, m.start, m.end = true, s.RangeMatch.GetStart(), s.RangeMatch.GetEnd()
			if m.start >= m.end {
				probs.Addf(joinPath(ppath, "range_match"), "start %d must be less than end %d", m.start, m.end)
			}
		default:
			probs.Addf(ppath, "exact_match or range_match is required")
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b paramMatcher) int { return a.index - b.index })
	return out
}
