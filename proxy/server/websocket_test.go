package server

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

func wsAccept(key string) string {
	h := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// wsEchoServer is a WebSocket server (RFC 6455) that echoes text frames.
func wsEchoServer(t *testing.T) string {
	return backend(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "want an upgrade", 400)
			return
		}
		c, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + wsAccept(r.Header.Get("Sec-WebSocket-Key")) + "\r\n\r\n")
		_ = rw.Flush()
		for {
			payload, err := wsReadFrame(rw.Reader)
			if err != nil {
				return
			}
			if _, err := c.Write(wsFrame(payload, false)); err != nil {
				return
			}
		}
	})
}

// wsFrame encodes a final text frame (masked when a client sends it).
func wsFrame(p []byte, mask bool) []byte {
	b := []byte{0x81}
	m := byte(0)
	if mask {
		m = 0x80
	}
	switch {
	case len(p) < 126:
		b = append(b, m|byte(len(p)))
	default:
		b = append(b, m|126, byte(len(p)>>8), byte(len(p)))
	}
	if !mask {
		return append(b, p...)
	}
	key := [4]byte{1, 2, 3, 4}
	b = append(b, key[:]...)
	for i, c := range p {
		b = append(b, c^key[i%4])
	}
	return b
}

func wsReadFrame(r *bufio.Reader) ([]byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	n := int(h[1] & 0x7f)
	if n == 126 {
		var ext [2]byte
		if _, err := io.ReadFull(r, ext[:]); err != nil {
			return nil, err
		}
		n = int(ext[0])<<8 | int(ext[1])
	}
	var key [4]byte
	masked := h[1]&0x80 != 0
	if masked {
		if _, err := io.ReadFull(r, key[:]); err != nil {
			return nil, err
		}
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, err
	}
	if masked {
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return p, nil
}

func TestHTTPWebSocketEcho(t *testing.T) {
	ws := wsEchoServer(t)
	yaml := httpYAML(`- match: {prefix: "/"}
  route: {cluster: ws}`, staticCluster("ws", "", ws), "")
	yaml = replaceOnce(yaml, "          stat_prefix: in\n", "          stat_prefix: in\n          upgrade_configs: [{upgrade_type: websocket}]\n")
	srv, addrs := startProxy(t, yaml)
	c := dial(t, addrs["l"])
	key := "dGhlIHNhbXBsZSBub25jZQ=="
	_, _ = c.Write([]byte("GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"))
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != wsAccept(key) ||
		!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		t.Fatalf("handshake: %d %v", resp.StatusCode, resp.Header)
	}
	for _, msg := range []string{"hello", strings.Repeat("big ", 5000)} {
		if _, err := c.Write(wsFrame([]byte(msg), true)); err != nil {
			t.Fatal(err)
		}
		got, err := wsReadFrame(br)
		if err != nil || string(got) != msg {
			t.Fatalf("echo: %v, %d bytes", err, len(got))
		}
	}
	if n := counter(t, srv, "http.in.downstream_cx_upgrades_total"); n != 1 {
		t.Fatalf("upgrades = %d", n)
	}
	_ = c.Close()
	eventually(t, "tunnel closed", func() bool { return gauge(t, srv, "http.in.downstream_rq_active") == 0 })
}
