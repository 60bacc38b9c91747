package config

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// TestAllowTableNamesExist guards the allow-table against typos: every message must be registered
// and every field must exist in it.
func TestAllowTableNamesExist(t *testing.T) {
	find := func(name protoreflect.FullName) protoreflect.MessageDescriptor {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return nil
		}
		md, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			t.Errorf("%s is not a message", name)
		}
		return md
	}
	for name := range allowedWhole {
		find(name)
	}
	for name, fields := range allowedFields {
		md := find(name)
		if md == nil {
			continue
		}
		if allowedWhole[name] {
			t.Errorf("%s is both allowed whole and field by field", name)
		}
		for f, r := range fields {
			if md.Fields().ByName(f) == nil {
				t.Errorf("%s has no field %s", name, f)
			}
			if r == unsupported {
				t.Errorf("%s.%s is listed as unsupported; leave it out instead", name, f)
			}
		}
	}
}
