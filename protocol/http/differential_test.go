package http

import (
	"bufio"
	"bytes"
	"io"
	nethttp "net/http"
	"testing"
)

// netHTTPParse parses a whole request at the start of in with net/http, reading the body to its
// end, and returns the bytes the request took and its payload.
func netHTTPParse(in []byte) (n int, payload []byte, err error) {
	src := bytes.NewReader(in)
	br := bufio.NewReader(src)
	req, err := nethttp.ReadRequest(br)
	if err != nil {
		return 0, nil, err
	}
	payload, err = io.ReadAll(req.Body)
	if err != nil {
		return 0, nil, err
	}
	return len(in) - br.Buffered() - src.Len(), payload, nil
}

// TestDifferentialNetHTTP runs the corpus through this package and net/http. Both must accept
// or both reject, except for the cases whose "nethttp:" line records an intended difference;
// when both accept they must agree on where the request ends and on its payload, which is what
// request smuggling attacks exploit.
func TestDifferentialNetHTTP(t *testing.T) {
	for _, c := range loadCorpus(t, "testdata/requests.txt") {
		t.Run(c.name, func(t *testing.T) {
			n, payload, err := parseMessage(c.input)
			nn, npayload, nerr := netHTTPParse(c.input)
			differ := (err == nil) != (nerr == nil)
			switch {
			case differ && c.nethttp == "":
				t.Errorf("verdicts differ: ours %v, net/http %v; fix the parser or record the difference", err, nerr)
			case !differ && c.nethttp != "":
				t.Errorf("recorded difference is stale: ours %v, net/http %v", err, nerr)
			case err == nil && nerr == nil && (n != nn || !bytes.Equal(payload, npayload)):
				t.Errorf("framing differs: ours %d bytes, payload %q; net/http %d bytes, payload %q", n, payload, nn, npayload)
			}
			t.Logf("ours: %v; net/http: %v", err, nerr)
		})
	}
}
