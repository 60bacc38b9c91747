package stats

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// appendPromFamily appends the Prometheus metric name of enc: "envoy" followed by "_" and each plain
// segment, with every byte outside [a-zA-Z0-9_] replaced by '_'. Requires the read lock.
func (s *Store) appendPromFamily(dst []byte, enc string) []byte {
	dst = append(dst, "envoy"...)
	for enc != "" {
		var p piece
		p, enc = nextPiece(enc)
		if p.tagged {
			continue
		}
		seg := s.syms.str(p.val)
		if !hasPlain(enc) { // the last plain segment
			seg, _, _, _ = responseCode(seg)
		}
		dst = appendSanitized(append(dst, '_'), seg)
	}
	return dst
}

// hasPlain reports whether enc has a plain piece.
func hasPlain(enc string) bool {
	_, ok := lastPlain(enc)
	return ok
}

// appendPromLabels appends the labels of enc's tag segments in order, without braces:
// a="x",b="y", then the response code label of the last plain segment (see responseCode). A label name already present (after sanitising) keeps its first value. Requires the
// read lock.
func (s *Store) appendPromLabels(dst []byte, enc string) []byte {
	start, all := len(dst), enc
	for enc != "" {
		var p piece
		p, enc = nextPiece(enc)
		if !p.tagged {
			continue
		}
		mark := len(dst)
		if mark > start {
			dst = append(dst, ',')
		}
		nameAt := len(dst)
		dst = appendLabelName(dst, s.syms.str(p.tag))
		if hasLabel(dst[start:mark], dst[nameAt:]) {
			dst = dst[:mark]
			continue
		}
		dst = appendLabelValue(append(dst, `="`...), s.syms.str(p.val))
		dst = append(dst, '"')
	}
	if id, ok := lastPlain(all); ok {
		if _, tag, val, ok := responseCode(s.syms.str(id)); ok {
			if len(dst) > start {
				dst = append(dst, ',')
			}
			dst = append(append(append(append(dst, tag...), `="`...), val...), '"')
		}
	}
	return dst
}

// hasLabel reports whether the rendered label list labels has a label called name.
func hasLabel(labels, name []byte) bool {
	for len(labels) > 0 {
		i := bytes.IndexByte(labels, '=')
		if bytes.Equal(labels[:i], name) {
			return true
		}
		labels = skipLabelValue(labels[i+2:])
	}
	return false
}

// skipLabelValue skips an escaped label value and its closing quote and comma.
func skipLabelValue(b []byte) []byte {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return bytes.TrimPrefix(b[i+1:], []byte{','})
		}
	}
	return nil
}

func isNameByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// appendSanitized appends s with every byte outside [a-zA-Z0-9_] replaced by '_'.
func appendSanitized(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isNameByte(c) {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendLabelName appends a valid label name for tag: sanitised, with '_' in front of a digit.
func appendLabelName(dst []byte, tag string) []byte {
	if tag != "" && '0' <= tag[0] && tag[0] <= '9' {
		dst = append(dst, '_')
	}
	return appendSanitized(dst, tag)
}

// appendLabelValue appends v escaped for the text exposition format; invalid UTF-8 becomes U+FFFD.
func appendLabelValue(dst []byte, v string) []byte {
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	if !strings.ContainsAny(v, "\\\"\n") {
		return append(dst, v...)
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			dst = append(dst, `\\`...)
		case '"':
			dst = append(dst, `\"`...)
		case '\n':
			dst = append(dst, `\n`...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
