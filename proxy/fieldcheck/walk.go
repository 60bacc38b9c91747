package fieldcheck

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Rule says how the walker treats a populated field.
type Rule uint8

const (
	// Unsupported is the zero rule: the field is set but Skiff does not implement it.
	Unsupported Rule = iota
	// Allow accepts the field; the walker checks its contents too.
	Allow
	// Warn accepts the field without looking inside and reports it as ignored.
	Warn
	// Separate accepts the field without looking inside: its contents are checked on their own
	// by the caller.
	Separate
)

const anyFullName protoreflect.FullName = "google.protobuf.Any"

// Table is an allow-table: the messages and fields a checker implements. Its maps are read-only
// once it is in use; a Table is safe for concurrent use.
type Table struct {
	// Whole lists messages accepted with all their contents (plain values, informational data).
	Whole map[protoreflect.FullName]bool
	// Fields maps a message to the rules of its fields; a field not listed is Unsupported. A
	// message listed with no fields is accepted only when empty; a message not listed is
	// rejected where it is set.
	Fields map[protoreflect.FullName]map[protoreflect.Name]Rule
	// Types, when set, unpacks google.protobuf.Any and walks its contents under the path of the
	// Any field itself. When nil, Any is an ordinary message (rejected unless listed).
	Types *protoregistry.Types
	// Skip, when set, accepts further messages whole.
	Skip func(protoreflect.Message) bool
	// Describe, when set, names a message type that is not listed; the default is its full name.
	Describe func(protoreflect.Message) string
}

// Check walks every populated field of m and calls report, with the field path relative to m,
// for each one t does not accept; errors.Is(err, ErrUnsupported) holds for unsupported fields.
// It returns the paths of the fields accepted under the Warn rule, in walk order. Map entries
// are visited in key order (numbers by value), so the result is the same every time.
func (t *Table) Check(m proto.Message, report func(path string, err error)) (ignored []string) {
	w := &walker{t: t, report: report}
	w.message("", m.ProtoReflect())
	return w.ignored
}

// walker is the state of one Check.
type walker struct {
	t       *Table
	report  func(path string, err error)
	ignored []string
}

// message checks one message at path.
func (w *walker) message(path string, m protoreflect.Message) {
	name := m.Descriptor().FullName()
	if name == anyFullName && w.t.Types != nil {
		w.any(path, m)
		return
	}
	if w.t.Whole[name] || (w.t.Skip != nil && w.t.Skip(m)) {
		return
	}
	rules, ok := w.t.Fields[name]
	if !ok {
		w.reportf(path, "%s %w", w.describe(m), ErrUnsupported)
		return
	}
	if len(m.GetUnknown()) > 0 {
		w.reportf(path, "unknown fields in %s: %w", name, ErrUnsupported)
	}
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if !m.Has(fd) {
			continue
		}
		w.field(Join(path, string(fd.Name())), rules[fd.Name()], fd, m.Get(fd))
	}
}

// field applies rule r to one populated field.
func (w *walker) field(path string, r Rule, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch r {
	case Unsupported:
		w.report(path, ErrUnsupported)
	case Warn:
		w.ignored = append(w.ignored, path)
	case Allow:
		w.value(path, fd, v)
	}
}

// value descends into the messages held by a field: a message, a list or a map of them.
func (w *walker) value(path string, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch {
	case fd.IsMap():
		if fd.MapValue().Kind() != protoreflect.MessageKind {
			return
		}
		for _, k := range sortedKeys(v.Map()) {
			w.message(path+"["+mapKey(k)+"]", v.Map().Get(k).Message())
		}
	case fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind:
	case fd.IsList():
		list := v.List()
		for i := range list.Len() {
			w.message(Index(path, i), list.Get(i).Message())
		}
	default:
		w.message(path, v.Message())
	}
}

// any unpacks a google.protobuf.Any with the table's types and walks its contents at the same
// path.
func (w *walker) any(path string, m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	url := m.Get(fields.ByName("type_url")).String()
	mt, err := w.t.Types.FindMessageByURL(url)
	if err != nil {
		w.reportf(path, "unknown type %q: %w", url, ErrUnsupported)
		return
	}
	inner := mt.New()
	opts := proto.UnmarshalOptions{Resolver: w.t.Types}
	if err := opts.Unmarshal(m.Get(fields.ByName("value")).Bytes(), inner.Interface()); err != nil {
		w.reportf(path, "decode %s: %v", mt.Descriptor().FullName(), err)
		return
	}
	w.message(path, inner)
}

// reportf reports a formatted error at path.
func (w *walker) reportf(path, format string, args ...any) {
	w.report(path, fmt.Errorf(format, args...))
}

// describe names the type of m for an error.
func (w *walker) describe(m protoreflect.Message) string {
	if w.t.Describe != nil {
		return w.t.Describe(m)
	}
	return string(m.Descriptor().FullName())
}

// mapKey formats a map key for a path: strings quoted, numbers and booleans as they are.
func mapKey(k protoreflect.MapKey) string {
	if s, ok := k.Interface().(string); ok {
		return strconv.Quote(s)
	}
	return k.String()
}

// sortedKeys returns the keys of a map field in a stable order: numbers by value, others by text.
func sortedKeys(m protoreflect.Map) []protoreflect.MapKey {
	keys := make([]protoreflect.MapKey, 0, m.Len())
	m.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, k)
		return true
	})
	slices.SortFunc(keys, func(a, b protoreflect.MapKey) int {
		switch x := a.Interface().(type) {
		case int32:
			return cmp.Compare(x, b.Interface().(int32))
		case int64:
			return cmp.Compare(x, b.Interface().(int64))
		case uint32:
			return cmp.Compare(x, b.Interface().(uint32))
		case uint64:
			return cmp.Compare(x, b.Interface().(uint64))
		}
		return cmp.Compare(a.String(), b.String())
	})
	return keys
}
