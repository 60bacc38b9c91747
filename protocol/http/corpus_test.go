package http

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// corpusCase is one request of testdata/requests.txt (its format is described at the top of
// that file).
type corpusCase struct {
	name    string
	want    string // "ok" or the name of an error variable
	nethttp string // why net/http's verdict differs, or ""
	input   []byte
}

func loadCorpus(tb testing.TB, path string) []corpusCase {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if err := addCorpusLine(&cases, line); err != nil {
			tb.Fatalf("%s:%d: %v", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return cases
}

func addCorpusLine(cases *[]corpusCase, line string) error {
	if name, ok := strings.CutPrefix(line, "=== "); ok {
		*cases = append(*cases, corpusCase{name: name})
		return nil
	}
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	if len(*cases) == 0 {
		return fmt.Errorf("%q before the first case", line)
	}
	c := &(*cases)[len(*cases)-1]
	switch {
	case strings.HasPrefix(line, "| "):
		b, err := unescape(line[2:])
		c.input = append(c.input, b...)
		return err
	case strings.HasPrefix(line, "want: "):
		c.want = line[len("want: "):]
	case strings.HasPrefix(line, "nethttp: "):
		c.nethttp = line[len("nethttp: "):]
	default:
		return fmt.Errorf("unknown line %q", line)
	}
	return nil
}

// unescape decodes \r \n \t \\ and \xHH.
func unescape(s string) ([]byte, error) {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b = append(b, s[i])
			continue
		}
		if i+1 >= len(s) {
			return nil, fmt.Errorf("trailing backslash in %q", s)
		}
		i++
		switch s[i] {
		case 'r':
			b = append(b, '\r')
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case '\\':
			b = append(b, '\\')
		case 'x':
			if i+2 >= len(s) {
				return nil, fmt.Errorf("short \\x in %q", s)
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad \\x in %q: %w", s, err)
			}
			b = append(b, byte(v))
			i += 2
		default:
			return nil, fmt.Errorf("unknown escape \\%c in %q", s[i], s)
		}
	}
	return b, nil
}

// errorNames maps the error variables' names to their values, for corpus and table tests.
func errorNames() map[string]error {
	return map[string]error{
		"ErrBareLF": ErrBareLF, "ErrObsFold": ErrObsFold,
		"ErrInvalidRequestLine": ErrInvalidRequestLine, "ErrInvalidMethod": ErrInvalidMethod,
		"ErrInvalidTarget": ErrInvalidTarget, "ErrInvalidVersion": ErrInvalidVersion,
		"ErrVersionNotSupported": ErrVersionNotSupported, "ErrInvalidStatusLine": ErrInvalidStatusLine,
		"ErrInvalidHeaderName": ErrInvalidHeaderName, "ErrInvalidHeaderValue": ErrInvalidHeaderValue,
		"ErrSpaceBeforeColon": ErrSpaceBeforeColon, "ErrHeadTooLarge": ErrHeadTooLarge,
		"ErrTooManyHeaders": ErrTooManyHeaders, "ErrMissingHost": ErrMissingHost,
		"ErrInvalidHost": ErrInvalidHost, "ErrInvalidContentLength": ErrInvalidContentLength,
		"ErrConflictingContentLength":          ErrConflictingContentLength,
		"ErrContentLengthWithTransferEncoding": ErrContentLengthWithTransferEncoding,
		"ErrInvalidTransferEncoding":           ErrInvalidTransferEncoding,
		"ErrUnsupportedTransferEncoding":       ErrUnsupportedTransferEncoding,
		"ErrBadChunkSize":                      ErrBadChunkSize, "ErrBadChunkExtension": ErrBadChunkExtension,
		"ErrBadChunkDelimiter": ErrBadChunkDelimiter, "ErrInvalidTrailer": ErrInvalidTrailer,
		"ErrTrailerTooLarge": ErrTrailerTooLarge, "ErrBodyTooLarge": ErrBodyTooLarge,
		"ErrTruncatedBody": ErrTruncatedBody,
	}
}

// parseMessage parses a whole request (head and body) at the start of in, as a proxy would
// with in as everything the client sent before closing. It returns the bytes the request took
// and its payload.
func parseMessage(in []byte) (n int, payload []byte, err error) {
	var r Request
	n, err = r.Parse(in)
	if err == ErrNeedMore {
		return 0, nil, ErrTruncatedBody
	}
	if err != nil {
		return 0, nil, err
	}
	var b Body
	if err := b.Reset(r.Framing(), 0); err != nil {
		return 0, nil, err
	}
	rest := in[n:]
	for !b.Done() {
		k, data, err := b.Next(rest)
		payload = append(payload, data...)
		rest = rest[k:]
		n += k
		switch {
		case err == ErrNeedMore:
			return n, payload, b.EOF()
		case err != nil:
			return n, payload, err
		}
	}
	return n, payload, nil
}

func TestCorpusWants(t *testing.T) {
	names := errorNames()
	cases := loadCorpus(t, "testdata/requests.txt")
	if len(cases) < 60 {
		t.Errorf("corpus has %d cases, want at least 60", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := parseMessage(c.input)
			want, known := names[c.want]
			switch {
			case c.want == "ok" && err != nil:
				t.Errorf("got %v, want success", err)
			case c.want != "ok" && !known:
				t.Fatalf("unknown want %q", c.want)
			case c.want != "ok" && err != want:
				t.Errorf("got %v, want %v", err, want)
			}
		})
	}
}
