package server

import (
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	slowTotal      = 100 << 20 // bytes pushed through the proxy
	slowChunk      = 128 << 10 // what the slow reader takes per read...
	slowPeriod     = 2 * time.Millisecond
	maxGrowthBytes = 48 << 20 // RSS growth allowed while 100 MiB flow through
)

// A fast sender towards a slow reader: the proxy stops reading the sender
// once its per-connection buffer limit (1 MiB by default) is queued towards
// the reader, so its memory stays bounded however much is sent.
func TestSlowReaderMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes 100 MiB")
	}
	if os.Getenv(childEnv) == "slow-reader" {
		slowReaderChild(t)
		return
	}
	_, out, _ := startChild(t, "TestSlowReaderMemoryBounded", "slow-reader")
	res := expectLine(t, out, "RESULT ", 60*time.Second)
	f := map[string]int64{}
	for kv := range strings.FieldsSeq(res) {
		k, v, _ := strings.Cut(kv, "=")
		n, _ := strconv.ParseInt(v, 10, 64)
		f[k] = n
	}
	t.Logf("child: %s", res)
	if f["received"] != slowTotal || f["crc_ok"] != 1 {
		t.Fatalf("received %d bytes (crc ok %d), want %d intact", f["received"], f["crc_ok"], slowTotal)
	}
	if f["paused"] == 0 {
		t.Fatal("the proxy never paused reading the sender")
	}
	if g := f["peak_rss"] - f["base_rss"]; g > maxGrowthBytes {
		t.Fatalf("RSS grew by %d MiB while 100 MiB went through (limit %d MiB)", g>>20, maxGrowthBytes>>20)
	}
}

func slowReaderChild(t *testing.T) {
	received := make(chan [2]uint64, 1)
	backend := serveTCP(t, func(c net.Conn) {
		buf := make([]byte, slowChunk)
		var n uint64
		h := crc32.NewIEEE()
		for {
			k, err := io.ReadFull(c, buf)
			n += uint64(k)
			h.Write(buf[:k])
			if err != nil {
				received <- [2]uint64{n, uint64(h.Sum32())}
				return
			}
			time.Sleep(slowPeriod)
		}
	})
	srv, addrs := startProxy(t, tcpProxyYAML([]string{backend}, "", ""))
	runtime.GC()
	base, _ := procStatusBytes("VmRSS")
	c := dial(t, addrs["l"])
	sent := crc32.NewIEEE()
	go func() {
		buf := make([]byte, 256<<10)
		for i := range buf {
			buf[i] = byte(i * 7)
		}
		for left := slowTotal; left > 0; left -= len(buf) {
			b := buf[:min(len(buf), left)]
			sent.Write(b)
			if _, err := c.Write(b); err != nil {
				return
			}
		}
		_ = c.CloseWrite()
	}()
	var got [2]uint64
	select {
	case got = <-received:
	case <-time.After(50 * time.Second):
		t.Fatal("transfer did not finish")
	}
	peak, _ := procStatusBytes("VmHWM")
	crcOK := 0
	if uint32(got[1]) == sent.Sum32() {
		crcOK = 1
	}
	fmt.Printf("RESULT received=%d crc_ok=%d base_rss=%d peak_rss=%d paused=%d\n",
		got[0], crcOK, base, peak, counter(t, srv, "tcp.t.downstream_flow_control_paused_reading_total"))
}
