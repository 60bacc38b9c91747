package route

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// walker visits every populated field of a message tree and reports each one the allow-table
// (allow.go) does not accept. It follows proxy/config's walker; google.protobuf.Any is not listed
// in the table, so a field holding one (typed_per_filter_config, ...) is rejected where it is set.
type walker struct {
	probs    *problems
	warnings []string
}

// checkFields walks m, records unsupported fields in probs and returns the warnings for
// accepted-but-ignored fields.
func checkFields(m proto.Message, probs *problems) []string {
	w := &walker{probs: probs}
	w.message("", m.ProtoReflect())
	return w.warnings
}

// message checks one message at path.
func (w *walker) message(path string, m protoreflect.Message) {
	name := m.Descriptor().FullName()
	if allowedWhole[name] {
		return
	}
	rules, ok := allowedFields[name]
	if !ok {
		w.probs.addf(path, "%s %w", name, ErrUnsupported)
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
		w.warnings = append(w.warnings, path+": accepted but ignored")
	case allow:
		w.value(path, fd, v)
	}
}

// value descends into the messages held by a field: a message or a list of them. Map fields are
// never allowed in the route table, so they are not walked.
func (w *walker) value(path string, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	if fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind {
		return
	}
	switch {
	case fd.IsList():
		list := v.List()
		for i := range list.Len() {
			w.message(index(path, i), list.Get(i).Message())
		}
	case fd.IsMap():
		w.probs.add(path, ErrUnsupported)
	default:
		w.message(path, v.Message())
	}
}
