package config

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

const anyFullName protoreflect.FullName = "google.protobuf.Any"

// typedStructs are the TypedStruct messages; their errors name the type URL they carry.
var typedStructs = map[protoreflect.FullName]bool{
	"udpa.type.v1.TypedStruct": true,
	"xds.type.v3.TypedStruct":  true,
}

// walker visits every populated field of a message tree and reports each one the allow-table
// does not accept. It unpacks google.protobuf.Any with its type resolver and walks the contents
// under the path of the Any field itself (`typed_config.access_log`).
type walker struct {
	types    *protoregistry.Types
	probs    *problems
	warnings []string
}

// checkFields walks m with the global type registry, records unsupported fields in probs (under
// probs' base path) and returns the warnings for accepted-but-ignored fields.
func checkFields(m proto.Message, probs *problems) []string {
	w := &walker{types: protoregistry.GlobalTypes, probs: probs}
	w.message("", m.ProtoReflect())
	return w.warnings
}

// message checks one message at path.
func (w *walker) message(path string, m protoreflect.Message) {
	name := m.Descriptor().FullName()
	if name == anyFullName {
		w.any(path, m)
		return
	}
	if allowedWhole[name] {
		return
	}
	rules, ok := allowedFields[name]
	if !ok {
		w.probs.addf(path, "%s %w", describe(m), ErrUnsupported)
		return
	}
	if len(m.GetUnknown()) > 0 {
		w.probs.addf(path, "unknown fields in %s: %w", name, ErrUnsupported)
	}
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if !m.Has(fd) {
			continue
		}
		w.field(joinPath(path, string(fd.Name())), rules[fd.Name()], fd, m.Get(fd))
	}
}

// field applies rule r to one populated field.
func (w *walker) field(path string, r rule, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch r {
	case unsupported:
		w.probs.add(path, ErrUnsupported)
	case warn:
		w.warnings = append(w.warnings, joinPath(w.probs.base, path)+": accepted but ignored")
	case allow:
		w.value(path, fd, v)
	}
}

// value descends into the messages held by a field: a message, a list or a map.
func (w *walker) value(path string, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch {
	case fd.IsList():
		if fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind {
			return
		}
		list := v.List()
		for i := range list.Len() {
			w.message(index(path, i), list.Get(i).Message())
		}
	case fd.IsMap():
		if fd.MapValue().Kind() != protoreflect.MessageKind {
			return
		}
		for _, k := range sortedKeys(v.Map()) {
			w.message(path+"["+strconv.Quote(k.String())+"]", v.Map().Get(k).Message())
		}
	case fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind:
		w.message(path, v.Message())
	}
}

// any unpacks a google.protobuf.Any and walks its contents at the same path.
func (w *walker) any(path string, m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	url := m.Get(fields.ByName("type_url")).String()
	mt, err := w.types.FindMessageByURL(url)
	if err != nil {
		w.probs.addf(path, "unknown type %q: %w", url, ErrUnsupported)
		return
	}
	inner := mt.New()
	opts := proto.UnmarshalOptions{Resolver: w.types}
	if err := opts.Unmarshal(m.Get(fields.ByName("value")).Bytes(), inner.Interface()); err != nil {
		w.probs.addf(path, "decode %s: %v", mt.Descriptor().FullName(), err)
		return
	}
	w.message(path, inner)
}

// describe names a message type for an error; for a TypedStruct it adds the type URL it carries.
func describe(m protoreflect.Message) string {
	name := m.Descriptor().FullName()
	if !typedStructs[name] {
		return string(name)
	}
	url := m.Get(m.Descriptor().Fields().ByName("type_url")).String()
	return fmt.Sprintf("%s with type_url %q", name, url)
}

// sortedKeys returns the keys of a map field in a stable order, so errors come out the same way
// every time.
func sortedKeys(m protoreflect.Map) []protoreflect.MapKey {
	keys := make([]protoreflect.MapKey, 0, m.Len())
	m.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, k)
		return true
	})
	slices.SortFunc(keys, func(a, b protoreflect.MapKey) int {
		return cmp.Compare(a.String(), b.String())
	})
	return keys
}
