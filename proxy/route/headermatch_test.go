package route

import "testing"

// hm is a route match on path prefix "/" with one header matcher (a YAML flow mapping).
func hm(matcher string) string { return "{prefix: /, headers: [" + matcher + "]}" }

func TestHeaderMatchers(t *testing.T) {
	h := func(kv ...string) []string { return kv }
	runMatchCases(t, []matchCase{
		// string_match.
		{"exact", hm("{name: x-v, string_match: {exact: v1}}"), "/", h("x-v", "v1"), true},
		{"exact miss", hm("{name: x-v, string_match: {exact: v1}}"), "/", h("x-v", "V1"), false},
		{"exact ignore_case", hm("{name: x-v, string_match: {exact: v1, ignore_case: true}}"), "/", h("x-v", "V1"), true},
		{"exact empty", hm(`{name: x-v, string_match: {exact: ""}}`), "/", h("x-v", ""), true},
		{"exact empty miss", hm(`{name: x-v, string_match: {exact: ""}}`), "/", h("x-v", "a"), false},
		{"header name is case-insensitive", hm("{name: X-V, string_match: {exact: v1}}"), "/", h("x-v", "v1"), true},
		{"prefix", hm("{name: x-v, string_match: {prefix: ab}}"), "/", h("x-v", "abc"), true},
		{"prefix ignore_case", hm("{name: x-v, string_match: {prefix: AB, ignore_case: true}}"), "/", h("x-v", "aBc"), true},
		{"prefix miss", hm("{name: x-v, string_match: {prefix: ab}}"), "/", h("x-v", "xab"), false},
		{"suffix", hm("{name: x-v, string_match: {suffix: bc}}"), "/", h("x-v", "abc"), true},
		{"suffix ignore_case", hm("{name: x-v, string_match: {suffix: BC, ignore_case: true}}"), "/", h("x-v", "abc"), true},
		{"contains", hm("{name: x-v, string_match: {contains: b}}"), "/", h("x-v", "abc"), true},
		{"contains miss", hm("{name: x-v, string_match: {contains: B}}"), "/", h("x-v", "abc"), false},
		{"contains ignore_case", hm("{name: x-v, string_match: {contains: B, ignore_case: true}}"), "/", h("x-v", "abc"), true},
		{"regex", hm(`{name: x-v, string_match: {safe_regex: {regex: "v[0-9]"}}}`), "/", h("x-v", "v7"), true},
		{"regex full match", hm(`{name: x-v, string_match: {safe_regex: {regex: "v[0-9]"}}}`), "/", h("x-v", "v77"), false},
		{"regex ignores ignore_case", hm(`{name: x-v, string_match: {safe_regex: {regex: "v"}, ignore_case: true}}`), "/", h("x-v", "V"), false},
		{"missing header", hm("{name: x-v, string_match: {exact: v1}}"), "/", nil, false},
		{"multi-valued header is joined", hm("{name: x-v, string_match: {exact: 'a,b'}}"), "/", h("x-v", "a", "x-v", "b"), true},

		// present_match and no specifier.
		{"present", hm("{name: x-v, present_match: true}"), "/", h("x-v", ""), true},
		{"present missing", hm("{name: x-v, present_match: true}"), "/", nil, false},
		{"absent", hm("{name: x-v, present_match: false}"), "/", nil, true},
		{"absent but present", hm("{name: x-v, present_match: false}"), "/", h("x-v", "1"), false},
		{"no specifier is presence", hm("{name: x-v}"), "/", h("x-v", "1"), true},
		{"no specifier missing", hm("{name: x-v}"), "/", nil, false},

		// invert_match.
		{"invert exact", hm("{name: x-v, string_match: {exact: v1}, invert_match: true}"), "/", h("x-v", "v2"), true},
		{"invert exact equal", hm("{name: x-v, string_match: {exact: v1}, invert_match: true}"), "/", h("x-v", "v1"), false},
		{"invert never matches a missing header", hm("{name: x-v, string_match: {exact: v1}, invert_match: true}"), "/", nil, false},
		{"invert present is absence", hm("{name: x-v, present_match: true, invert_match: true}"), "/", nil, true},
		{"invert present with header", hm("{name: x-v, present_match: true, invert_match: true}"), "/", h("x-v", "1"), false},
		{"invert absent with header", hm("{name: x-v, present_match: false, invert_match: true}"), "/", h("x-v", "1"), true},
		{"invert absent missing", hm("{name: x-v, present_match: false, invert_match: true}"), "/", nil, false},

		// treat_missing_header_as_empty.
		{"missing as empty", hm(`{name: x-v, string_match: {exact: ""}, treat_missing_header_as_empty: true}`), "/", nil, true},
		{"missing as empty inverted", hm("{name: x-v, string_match: {exact: a}, invert_match: true, treat_missing_header_as_empty: true}"), "/", nil, true},
		{"missing as empty range", hm("{name: x-v, range_match: {start: 0, end: 10}, invert_match: true, treat_missing_header_as_empty: true}"), "/", nil, true},

		// range_match.
		{"range", hm("{name: x-n, range_match: {start: -10, end: 10}}"), "/", h("x-n", "-10"), true},
		{"range end is open", hm("{name: x-n, range_match: {start: -10, end: 10}}"), "/", h("x-n", "10"), false},
		{"range with spaces and sign", hm("{name: x-n, range_match: {start: 0, end: 10}}"), "/", h("x-n", " +5 "), true},
		{"range not a number", hm("{name: x-n, range_match: {start: 0, end: 10}}"), "/", h("x-n", "5x"), false},
		{"range empty", hm("{name: x-n, range_match: {start: 0, end: 10}}"), "/", h("x-n", ""), false},
		{"range overflow", hm("{name: x-n, range_match: {start: 0, end: 10}}"), "/", h("x-n", "99999999999999999999"), false},
		{"range min int64", hm("{name: x-n, range_match: {start: '-9223372036854775808', end: 0}}"), "/", h("x-n", "-9223372036854775808"), true},

		// Deprecated specifiers.
		{"exact_match", hm("{name: x-v, exact_match: v1}"), "/", h("x-v", "v1"), true},
		{"exact_match is case-sensitive", hm("{name: x-v, exact_match: v1}"), "/", h("x-v", "V1"), false},
		{"exact_match empty matches any value", hm(`{name: x-v, exact_match: ""}`), "/", h("x-v", "x"), true},
		{"exact_match empty needs the header", hm(`{name: x-v, exact_match: ""}`), "/", nil, false},
		{"prefix_match", hm("{name: x-v, prefix_match: ab}"), "/", h("x-v", "abc"), true},
		{"suffix_match", hm("{name: x-v, suffix_match: bc}"), "/", h("x-v", "abc"), true},
		{"contains_match", hm("{name: x-v, contains_match: b}"), "/", h("x-v", "abc"), true},
		{"safe_regex_match", hm(`{name: x-v, safe_regex_match: {regex: "a.c"}}`), "/", h("x-v", "abc"), true},

		// Pseudo-headers.
		{":method", hm(`{name: ":method", string_match: {exact: GET}}`), "/", nil, true},
		{":method miss", hm(`{name: ":method", string_match: {exact: POST}}`), "/", nil, false},
		{":authority", hm(`{name: ":authority", string_match: {exact: host}}`), "/", nil, true},
		{":path has the query", hm(`{name: ":path", string_match: {exact: "/p?q=1"}}`), "/p?q=1", nil, true},

		// Several matchers must all match.
		{"all of several", "{prefix: /, headers: [{name: a, present_match: true}, {name: b, string_match: {exact: '2'}}]}", "/", h("a", "1", "b", "2"), true},
		{"one of several fails", "{prefix: /, headers: [{name: a, present_match: true}, {name: b, string_match: {exact: '2'}}]}", "/", h("a", "1", "b", "3"), false},
	})
}

func TestQueryMatchers(t *testing.T) {
	qm := func(m string) string { return "{prefix: /, query_parameters: [" + m + "]}" }
	runMatchCases(t, []matchCase{
		{"exact", qm("{name: v, string_match: {exact: '1'}}"), "/?a=b&v=1", nil, true},
		{"exact miss", qm("{name: v, string_match: {exact: '1'}}"), "/?v=2", nil, false},
		{"first value counts", qm("{name: v, string_match: {exact: '2'}}"), "/?v=1&v=2", nil, false},
		{"missing", qm("{name: v, string_match: {exact: '1'}}"), "/?w=1", nil, false},
		{"no query", qm("{name: v, string_match: {exact: '1'}}"), "/", nil, false},
		{"name is case-sensitive", qm("{name: V, string_match: {exact: '1'}}"), "/?v=1", nil, false},
		{"not decoded", qm("{name: v, string_match: {exact: 'a b'}}"), "/?v=a%20b", nil, false},
		{"raw value", qm("{name: v, string_match: {exact: 'a%20b'}}"), "/?v=a%20b", nil, true},
		{"ignore_case", qm("{name: v, string_match: {exact: ABC, ignore_case: true}}"), "/?v=abc", nil, true},
		{"prefix", qm("{name: v, string_match: {prefix: ab}}"), "/?v=abc", nil, true},
		{"regex", qm(`{name: v, string_match: {safe_regex: {regex: "[0-9]+"}}}`), "/?v=123", nil, true},
		{"value after first =", qm("{name: v, string_match: {exact: 'a=b'}}"), "/?v=a=b", nil, true},
		{"no = is empty value", qm(`{name: v, string_match: {exact: ""}}`), "/?v", nil, true},
		{"present", qm("{name: v, present_match: true}"), "/?x&v", nil, true},
		{"present missing", qm("{name: v, present_match: true}"), "/?x", nil, false},
		{"absent", qm("{name: v, present_match: false}"), "/?x", nil, true},
		{"absent present", qm("{name: v, present_match: false}"), "/?v=1", nil, false},
		{"no specifier is presence", qm("{name: v}"), "/?v=1", nil, true},
		{"empty parameters skipped", qm("{name: v, present_match: true}"), "/?&&v=1&", nil, true},
		{"all must match", "{prefix: /, query_parameters: [{name: a}, {name: b}]}", "/?a=1", nil, false},
	})
}
