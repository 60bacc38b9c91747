package route

import (
	"fmt"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"

	"github.com/skiffmesh/skiff/proxy/matcher"
)

// maxHeadersToAdd is Envoy's limit on *_headers_to_add entries per level (max_items: 1000).
const maxHeadersToAdd = 1000

// AppendAction is how a header value is added (Envoy's HeaderValueOption.HeaderAppendAction).
type AppendAction uint8

const (
	// AppendIfExistsOrAdd adds the value as another value of the header (the default).
	AppendIfExistsOrAdd AppendAction = iota
	// AddIfAbsent adds the header only if the message does not have it.
	AddIfAbsent
	// OverwriteIfExistsOrAdd replaces all values of the header, or adds it.
	OverwriteIfExistsOrAdd
	// OverwriteIfExists replaces all values of the header only if the message has it.
	OverwriteIfExists
)

// String returns Envoy's name for the action.
func (a AppendAction) String() string {
	switch a {
	case AppendIfExistsOrAdd:
		return "APPEND_IF_EXISTS_OR_ADD"
	case AddIfAbsent:
		return "ADD_IF_ABSENT"
	case OverwriteIfExistsOrAdd:
		return "OVERWRITE_IF_EXISTS_OR_ADD"
	case OverwriteIfExists:
		return "OVERWRITE_IF_EXISTS"
	}
	return "AppendAction(?)"
}

// HeaderValue is one compiled header to add.
type HeaderValue struct {
	// Name is the lower-case header name; never a pseudo-header or "host".
	Name string
	// Value is the literal value (Envoy's "%%" already turned into "%").
	Value string
	// Action says how the value is added.
	Action AppendAction
}

// HeaderEditor is the header map a HeaderMutation edits: the request head before it goes
// upstream, or the response head before it goes downstream. Names are lower-case.
type HeaderEditor interface {
	// Has reports whether the message has the header.
	Has(name string) bool
	// Set replaces all values of the header with value, adding it if absent.
	Set(name, value string)
	// Add adds value as another value of the header.
	Add(name, value string)
	// Del removes every value of the header.
	Del(name string)
}

// HeaderMutation is one level's *_headers_to_remove and *_headers_to_add (of a route, a virtual
// host or the route configuration).
type HeaderMutation struct {
	// Remove are the headers removed first.
	Remove []string
	// Add are the headers added after the removals, in config order. Entries with an empty value
	// and keep_empty_value unset are left out, as Envoy skips them.
	Add []HeaderValue
}

// Apply edits h as Envoy's HeaderParser does: first every removal; then each add entry's
// condition (AddIfAbsent, OverwriteIfExists) is decided on the headers as they are now; then the
// overwriting entries are set, then the appending entries are added. It does not allocate.
func (m *HeaderMutation) Apply(h HeaderEditor) {
	for _, name := range m.Remove {
		h.Del(name)
	}
	var skip [(maxHeadersToAdd + 63) / 64]uint64 // bit i: entry i's condition failed
	for i, v := range m.Add {
		if (v.Action == AddIfAbsent && h.Has(v.Name)) || (v.Action == OverwriteIfExists && !h.Has(v.Name)) {
			skip[i/64] |= 1 << (i % 64)
		}
	}
	for i, v := range m.Add {
		if (v.Action == OverwriteIfExistsOrAdd || v.Action == OverwriteIfExists) && skip[i/64]&(1<<(i%64)) == 0 {
			h.Set(v.Name, v.Value)
		}
	}
	for i, v := range m.Add {
		if (v.Action == AppendIfExistsOrAdd || v.Action == AddIfAbsent) && skip[i/64]&(1<<(i%64)) == 0 {
			h.Add(v.Name, v.Value)
		}
	}
}

// HeaderMutations are the header mutation levels that apply to a route, in evaluation order:
// route, virtual host, route configuration, or the reverse when the route configuration sets
// most_specific_header_mutations_wins. A later level overrides an earlier one.
type HeaderMutations []*HeaderMutation

// Apply applies every level in order. It does not allocate.
func (ms HeaderMutations) Apply(h HeaderEditor) {
	for _, m := range ms {
		m.Apply(h)
	}
}

// compileHeaderMutation compiles one level's headers to add (at addPath) and remove (at
// removePath); nil when the level has neither.
func compileHeaderMutation(probs *problems, addPath, removePath string, add []*corev3.HeaderValueOption, remove []string) *HeaderMutation {
	if len(add) == 0 && len(remove) == 0 {
		return nil
	}
	m := &HeaderMutation{}
	for i, name := range remove {
		if name = checkHeaderName(probs, index(removePath, i), name); name != "" {
			m.Remove = append(m.Remove, name)
		}
	}
	if len(add) > maxHeadersToAdd {
		probs.Addf(addPath, "%d entries, more than %d", len(add), maxHeadersToAdd)
		return m
	}
	for i, o := range add {
		if v, ok := compileHeaderValue(probs, index(addPath, i), o); ok {
			m.Add = append(m.Add, v)
		}
	}
	return m
}

// compileHeaderValue compiles one HeaderValueOption at path; false when it is left out (an error,
// or an empty value without keep_empty_value).
func compileHeaderValue(probs *problems, path string, o *corev3.HeaderValueOption) (HeaderValue, bool) {
	hv := o.GetHeader()
	if hv == nil {
		probs.Addf(joinPath(path, "header"), "required")
		return HeaderValue{}, false
	}
	v := HeaderValue{Name: checkHeaderName(probs, joinPath(path, "header.key"), hv.GetKey())}
	v.Action = appendAction(probs, path, o)
	raw, field := hv.GetValue(), "header.value"
	if len(hv.GetRawValue()) > 0 {
		if raw != "" {
			probs.Addf(joinPath(path, "header"), "value and raw_value are mutually exclusive")
		}
		raw, field = string(hv.GetRawValue()), "header.raw_value"
	}
	value, err := literalValue(raw)
	if err != nil {
		probs.Add(joinPath(path, field), err)
	}
	v.Value = value
	return v, v.Name != "" && err == nil && (value != "" || o.GetKeepEmptyValue())
}

// appendAction reads append_action, or the deprecated append, of o.
func appendAction(probs *problems, path string, o *corev3.HeaderValueOption) AppendAction {
	if o.GetAppend() != nil {
		if o.GetAppendAction() != corev3.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD {
			probs.Addf(path, "append and append_action are mutually exclusive")
		}
		if o.GetAppend().GetValue() {
			return AppendIfExistsOrAdd
		}
		return OverwriteIfExistsOrAdd
	}
	switch o.GetAppendAction() {
	case corev3.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD:
		return AppendIfExistsOrAdd
	case corev3.HeaderValueOption_ADD_IF_ABSENT:
		return AddIfAbsent
	case corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD:
		return OverwriteIfExistsOrAdd
	case corev3.HeaderValueOption_OVERWRITE_IF_EXISTS:
		return OverwriteIfExists
	}
	probs.Addf(joinPath(path, "append_action"), "unknown value %d", o.GetAppendAction())
	return AppendIfExistsOrAdd
}

// checkHeaderName returns name in lower case, or "" after recording an error: names must not be
// empty, and pseudo-headers and "host" may not be added or removed (Envoy's isModifiableHeader).
func checkHeaderName(probs *problems, path, name string) string {
	name = matcher.LowerString(name)
	switch {
	case name == "":
		probs.Addf(path, "required")
		return ""
	case name[0] == ':' || name == "host":
		probs.Addf(path, "header %q may not be modified", name)
		return ""
	}
	return name
}

// literalValue returns a header value in Envoy's substitution format with "%%" unescaped. Any
// other '%' starts a substitution such as %DOWNSTREAM_REMOTE_ADDRESS%, which Skiff does not
// implement.
func literalValue(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		cmd := s[i:]
		if j := strings.IndexByte(s[i+1:], '%'); j >= 0 {
			cmd = s[i : i+j+2]
		}
		return "", fmt.Errorf("substitution %s %w (only literal values; write %%%% for a %%)", cmd, ErrUnsupported)
	}
	return b.String(), nil
}
