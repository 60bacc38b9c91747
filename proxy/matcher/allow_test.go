package matcher

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/skiffmesh/skiff/proxy/fieldcheck"
)

func TestWithAllowed(t *testing.T) {
	fields := WithAllowed(map[protoreflect.FullName]map[protoreflect.Name]fieldcheck.Rule{
		"envoy.type.v3.Int64Range": {"start": fieldcheck.Warn},
	})
	if got := fields["envoy.type.v3.Int64Range"]["start"]; got != fieldcheck.Allow {
		t.Errorf("Int64Range.start = %v, want Allow (replaced)", got)
	}
	for name, rules := range fields {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		md := d.(protoreflect.MessageDescriptor)
		for f := range rules {
			if md.Fields().ByName(f) == nil {
				t.Errorf("%s has no field %s", name, f)
			}
		}
	}
}
