package xds

import (
	"testing"

	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	"google.golang.org/protobuf/proto"
)

func TestResourceName(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  proto.Message
		want string
	}{
		{"listener", &listenerv3.Listener{Name: "0.0.0.0_8080", StatPrefix: "x"}, "0.0.0.0_8080"},
		{"assignment", &endpointv3.ClusterLoadAssignment{ClusterName: "outbound|80||a", Endpoints: []*endpointv3.LocalityLbEndpoints{{}}}, "outbound|80||a"},
		{"no name", &listenerv3.Listener{StatPrefix: "x"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := proto.Marshal(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if got := resourceName(b); got != tc.want {
				t.Errorf("resourceName = %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzResourceName checks resourceName against the proto decoder: wherever a Listener decodes,
// the name read from its bytes is its name; on anything else resourceName must not panic.
func FuzzResourceName(f *testing.F) {
	for _, m := range []proto.Message{
		&listenerv3.Listener{Name: "l", StatPrefix: "s"},
		&endpointv3.ClusterLoadAssignment{ClusterName: "c", Endpoints: []*endpointv3.LocalityLbEndpoints{{Priority: 1}}},
	} {
		b, _ := proto.Marshal(m)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := resourceName(b)
		var l listenerv3.Listener
		if err := proto.Unmarshal(b, &l); err == nil && got != l.GetName() {
			t.Fatalf("resourceName = %q, decoded name %q", got, l.GetName())
		}
	})
}
