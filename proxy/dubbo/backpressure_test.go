package dubbo

import (
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/skiffmesh/skiff/filters"
	"github.com/skiffmesh/skiff/proxy/config"
)

// holdFilter pauses every call for 100 ms.
type holdFilter struct{ filters.PassThrough }

func (holdFilter) OnRequest(s filters.Stream, _ filters.Request) filters.Action {
	s.AfterFunc(100*time.Millisecond, s.Resume)
	return filters.Stop
}

// TestHeldRequestsPauseReading: requests that a filter holds count against
// the consumer connection's buffer limit, so a consumer that keeps sending
// large requests is no longer read once the held copies pass the limit,
// and is read again as they are released.
func TestHeldRequestsPauseReading(t *testing.T) {
	reg := &filters.Registry{}
	reg.Register("test.Hold", func(proto.Message, filters.Deps) (filters.Factory, error) {
		return filters.FactoryFunc(func() filters.Filter { return holdFilter{} }), nil
	})
	h := startHarness(t, testRoutes, echoProvider(t), func(sh *Shared) { sh.Filters = reg })
	m, err := New(&config.DubboProxy{
		StatPrefix: "held", Routes: parseRoutes(t, testRoutes),
		Filters: []config.DubboFilter{{Name: "hold", TypeName: "test.Hold"}},
	}, 0, h.sh)
	if err != nil {
		t.Fatal(err)
	}
	h.setManager(m)
	nc, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 16<<10)
	const n = 32 // 512 KiB of requests against a 32 KiB limit
	go func() {
		for i := range n {
			b := requestArgs(t, uint64(i+1), "big", big)
			_ = nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if _, err := nc.Write(b); err != nil {
				return
			}
		}
	}()
	var held, active int
	eventually(t, "reading paused", func() bool {
		held, active = h.consumerBacklog(t)
		return active > 0 && h.paused(t)
	})
	time.Sleep(20 * time.Millisecond) // the consumer is still writing
	held, active = h.consumerBacklog(t)
	if !h.paused(t) {
		t.Fatal("reading resumed while the held calls were over the limit")
	}
	if limit := 32<<10 + 20<<10; held > limit || active >= n {
		t.Errorf("%d calls holding %d bytes, want at most %d bytes", active, held, limit)
	}
	eventually(t, "every call served", func() bool { return m.stats.Request.Value() == n && m.stats.RequestActive.Value() == 0 })
	_ = nc.Close()
}
