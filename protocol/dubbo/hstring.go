package dubbo

import "errors"

// Hessian2 strings (https://hessian.caucho.com/doc/hessian-serialization.html#anchor14):
//
//	string ::= x52 b1 b0 <utf8-data> string  # non-final chunk
//	       ::= 'S' b1 b0 <utf8-data>         # final chunk, 0-65535 characters
//	       ::= [x00-x1f] <utf8-data>         # 0-31 characters
//	       ::= [x30-x33] b0 <utf8-data>      # 0-1023 characters
//
// Lengths count UTF-16 code units, not bytes. Java writes each code unit as UTF-8 of at most
// three bytes, so a character outside the BMP is a surrogate pair of two three-byte sequences
// (CESU-8); dubbo-go-hessian2 does the same. Four-byte UTF-8 sequences are rejected, as Java's
// Hessian2Input and dubbo-go-hessian2 reject them.

const (
	tagNull        = 'N'
	tagStringChunk = 'R' // 0x52
	tagString      = 'S'
)

var (
	errNotString = errors.New("not a string")
	errTruncated = errors.New("truncated")
	errBadUTF8   = errors.New("bad utf-8 in string")
	errChunked   = errors.New("chunked string")
)

// stringChunk reads the chunk header at b[off]. It returns where the chunk's data starts, its
// length in UTF-16 units and whether more chunks follow.
func stringChunk(b []byte, off int) (data, units int, more bool, err error) {
	if off >= len(b) {
		return 0, 0, false, errTruncated
	}
	switch tag := b[off]; {
	case tag <= 0x1f:
		return off + 1, int(tag), false, nil
	case tag >= 0x30 && tag <= 0x33:
		if off+2 > len(b) {
			return 0, 0, false, errTruncated
		}
		return off + 2, int(tag-0x30)<<8 | int(b[off+1]), false, nil
	case tag == tagString || tag == tagStringChunk:
		if off+3 > len(b) {
			return 0, 0, false, errTruncated
		}
		return off + 3, int(b[off+1])<<8 | int(b[off+2]), tag == tagStringChunk, nil
	default:
		return 0, 0, false, errNotString
	}
}

// scanUnits returns the end of n UTF-16 code units of hessian UTF-8 starting at b[off].
func scanUnits(b []byte, off, n int) (int, error) {
	for n > 0 {
		ascii := asciiRun(b[off:min(off+n, len(b))])
		off, n = off+ascii, n-ascii
		if n == 0 {
			break
		}
		size, err := charSize(b, off)
		if err != nil {
			return 0, err
		}
		off, n = off+size, n-1
	}
	return off, nil
}

// asciiRun returns the length of the ASCII prefix of p.
func asciiRun(p []byte) int {
	for i, c := range p {
		if c >= 0x80 {
			return i
		}
	}
	return len(p)
}

// charSize returns the size of the one-unit (at most three-byte) character at b[off], which
// is not ASCII.
func charSize(b []byte, off int) (int, error) {
	if off >= len(b) {
		return 0, errTruncated
	}
	var size int
	switch c := b[off]; {
	case c&0xe0 == 0xc0:
		size = 2
	case c&0xf0 == 0xe0:
		size = 3
	default:
		return 0, errBadUTF8
	}
	if off+size > len(b) {
		return 0, errTruncated
	}
	for _, cc := range b[off+1 : off+size] {
		if cc&0xc0 != 0x80 {
			return 0, errBadUTF8
		}
	}
	return size, nil
}

// stringView reads the string at b[off] and returns its bytes as a sub-slice of b, and the offset
// after it. Hessian null ('N') is an empty string when nullOK. A chunked string cannot be a
// sub-slice: it is skipped correctly but reported as errChunked. The bytes are the wire bytes:
// a character outside the BMP stays a CESU-8 surrogate pair. It does not allocate.
func stringView(b []byte, off int, nullOK bool) (s []byte, end int, err error) {
	if nullOK && off < len(b) && b[off] == tagNull {
		return nil, off + 1, nil
	}
	data, n, more, err := stringChunk(b, off)
	if err != nil {
		return nil, 0, err
	}
	end, err = scanUnits(b, data, n)
	if err != nil {
		return nil, 0, err
	}
	if !more {
		return b[data:end:end], end, nil
	}
	if end, err = skipString(b, off); err != nil {
		return nil, 0, err
	}
	return nil, end, errChunked
}

// skipString returns the offset after the (possibly chunked) string at b[off].
func skipString(b []byte, off int) (int, error) {
	for {
		data, n, more, err := stringChunk(b, off)
		if err != nil {
			return 0, err
		}
		if off, err = scanUnits(b, data, n); err != nil {
			return 0, err
		}
		if !more {
			return off, nil
		}
	}
}

// appendString appends the string at b[off] to dst as UTF-8, joining chunks and turning
// surrogate pairs into four-byte sequences, and returns the offset after it.
func appendString(dst, b []byte, off int) ([]byte, int, error) {
	for {
		data, n, more, err := stringChunk(b, off)
		if err != nil {
			return dst, 0, err
		}
		if off, err = scanUnits(b, data, n); err != nil {
			return dst, 0, err
		}
		dst = appendCESU(dst, b[data:off])
		if !more {
			return dst, off, nil
		}
	}
}

// appendCESU appends p to dst, replacing each CESU-8 surrogate pair with the UTF-8 of the
// character it encodes. Lone surrogates are copied as they are.
func appendCESU(dst, p []byte) []byte {
	for i := 0; i < len(p); {
		hi, ok := surrogate(p[i:], 0xa0)
		if !ok || i+6 > len(p) {
			dst = append(dst, p[i])
			i++
			continue
		}
		lo, ok := surrogate(p[i+3:], 0xb0)
		if !ok {
			dst = append(dst, p[i])
			i++
			continue
		}
		r := 0x10000 + (hi-0xd800)<<10 + (lo - 0xdc00)
		dst = append(dst, byte(0xf0|r>>18), byte(0x80|r>>12&0x3f), byte(0x80|r>>6&0x3f), byte(0x80|r&0x3f))
		i += 6
	}
	return dst
}

// surrogate decodes a three-byte surrogate at the start of p whose second byte has the high
// bits want (0xa0: high surrogate, 0xb0: low surrogate).
func surrogate(p []byte, want byte) (int, bool) {
	if len(p) < 3 || p[0] != 0xed || p[1]&0xf0 != want || p[2]&0xc0 != 0x80 {
		return 0, false
	}
	return 0xd000 | int(p[1]&0x3f)<<6 | int(p[2]&0x3f), true
}
