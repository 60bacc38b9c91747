package upstream

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// DNS wire constants (RFC 1035, RFC 3596).
const (
	dnsTypeA      = 1
	dnsTypeAAAA   = 28
	dnsClassIN    = 1
	dnsHeaderLen  = 12
	dnsRcodeOK    = 0
	dnsRcodeNX    = 3                                 // NXDOMAIN
	dnsRespFlags  = 0x8000 | 0x0400 | 0x0100 | 0x0080 // QR, AA, RD, RA
	dnsAnswerTTL  = 30
	dnsNamePtrQ   = 0xc00c // compression pointer to the question name at offset 12
	dnsMaxMessage = 512
)

// dnsServer is an authoritative UDP DNS server on loopback for tests. It
// answers A and AAAA questions for the names set with set; other names get
// NXDOMAIN. Answers may change while it runs.
type dnsServer struct {
	pc      net.PacketConn
	mu      sync.Mutex
	names   map[string][]netip.Addr // lower-case, no trailing dot
	queries atomic.Int64
}

// startDNS runs a dnsServer until the test ends.
func startDNS(t testing.TB) *dnsServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{pc: pc, names: map[string][]netip.Addr{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.serve()
	}()
	t.Cleanup(func() { _ = pc.Close(); <-done })
	return s
}

// set makes name resolve to addrs (IPv4 and IPv6 literals); no addrs means
// the name exists with no address records.
func (s *dnsServer) set(name string, addrs ...string) {
	ips := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		ips = append(ips, netip.MustParseAddr(a))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[canonicalName(name)] = ips
}

// remove makes name unknown (NXDOMAIN).
func (s *dnsServer) remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.names, canonicalName(name))
}

// resolver is a pure-Go resolver that sends every query to s.
func (s *dnsServer) resolver() *net.Resolver {
	addr := s.pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}

func canonicalName(n string) string { return strings.ToLower(strings.TrimSuffix(n, ".")) }

func (s *dnsServer) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := s.pc.ReadFrom(buf)
		if err != nil {
			return // closed
		}
		s.queries.Add(1)
		if resp, err := s.answer(buf[:n]); err == nil {
			_, _ = s.pc.WriteTo(resp, from)
		}
	}
}

// answer builds the response to one query: the question echoed back and
// one record per address of the asked type.
func (s *dnsServer) answer(req []byte) ([]byte, error) {
	name, qend, err := parseQuestion(req)
	if err != nil {
		return nil, err
	}
	qtype := binary.BigEndian.Uint16(req[qend-4:])
	s.mu.Lock()
	addrs, known := s.names[canonicalName(name)]
	s.mu.Unlock()
	var answers []netip.Addr
	for _, a := range addrs {
		if (qtype == dnsTypeA && a.Is4()) || (qtype == dnsTypeAAAA && a.Is6()) {
			answers = append(answers, a)
		}
	}
	rcode := dnsRcodeOK
	if !known {
		rcode = dnsRcodeNX
	}
	resp := make([]byte, 0, dnsMaxMessage)
	resp = append(resp, req[0], req[1]) // id
	resp = binary.BigEndian.AppendUint16(resp, uint16(dnsRespFlags|rcode))
	resp = binary.BigEndian.AppendUint16(resp, 1) // qdcount
	resp = binary.BigEndian.AppendUint16(resp, uint16(len(answers)))
	resp = binary.BigEndian.AppendUint16(resp, 0) // nscount
	resp = binary.BigEndian.AppendUint16(resp, 0) // arcount
	resp = append(resp, req[dnsHeaderLen:qend]...)
	for _, a := range answers {
		resp = binary.BigEndian.AppendUint16(resp, dnsNamePtrQ)
		resp = binary.BigEndian.AppendUint16(resp, qtype)
		resp = binary.BigEndian.AppendUint16(resp, dnsClassIN)
		resp = binary.BigEndian.AppendUint32(resp, dnsAnswerTTL)
		ip := a.AsSlice()
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(ip)))
		resp = append(resp, ip...)
	}
	return resp, nil
}

var errBadQuery = errors.New("dns test server: malformed query")

// parseQuestion reads the single question of req: its dotted name and the
// offset just past QTYPE and QCLASS.
func parseQuestion(req []byte) (string, int, error) {
	if len(req) < dnsHeaderLen || binary.BigEndian.Uint16(req[4:]) != 1 {
		return "", 0, errBadQuery
	}
	var labels []string
	off := dnsHeaderLen
	for {
		if off >= len(req) {
			return "", 0, errBadQuery
		}
		l := int(req[off])
		off++
		if l == 0 {
			break
		}
		if l > 63 || off+l > len(req) {
			return "", 0, errBadQuery
		}
		labels = append(labels, string(req[off:off+l]))
		off += l
	}
	if off+4 > len(req) {
		return "", 0, errBadQuery
	}
	return strings.Join(labels, "."), off + 4, nil
}
